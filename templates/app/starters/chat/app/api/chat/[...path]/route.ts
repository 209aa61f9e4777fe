import type { NextRequest } from "next/server";

import { forward } from "../../../../lib/forward";

// The browser's chat requests, to the service with the user's token (lib/forward.ts).
async function handle(
  request: NextRequest,
  { params }: { params: Promise<{ path: string[] }> },
): Promise<Response> {
  return forward(request, (await params).path);
}

export { handle as DELETE, handle as GET, handle as POST };

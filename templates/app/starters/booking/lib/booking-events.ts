/**
 * This app's route /api/bookings/events?studio=<id> (app/api/bookings/events/route.ts): the
 * changes of a studio's bookings as server-sent events, for the page's EventSource. The route
 * connects to the booking service's Socket.IO namespace as the signed-in user (the access token
 * from its httpOnly cookie, renewed with the refresh token as proxy.ts does), and answers only once
 * the service has accepted the handshake: a 401 without a session, a 403 for a studio the user is
 * not in. The stream ends when the browser leaves, when the service goes away, or after
 * MAX_STREAM_MS; EventSource then reconnects, and the handshake checks the token again.
 */
import { type NextRequest, NextResponse } from "next/server";
import { io, type Socket } from "socket.io-client";
import { z } from "zod";

import { BOOKING_APP, bookingServiceUrl } from "./booking-api";
import {
  BOOKING_CHANGED,
  changeFor,
  KEEP_ALIVE,
  serverSentEvent,
} from "./live";
import {
  ACCESS_COOKIE,
  clearSession,
  REFRESH_COOKIE,
  refreshSession,
  type TokenPair,
  writeSession,
} from "./session";

// A token is checked at the handshake only: a stream lives no longer than an access token would.
const MAX_STREAM_MS = 5 * 60_000;
const KEEP_ALIVE_MS = 25_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;

function refused(status: number, detail: string): NextResponse {
  return NextResponse.json({ detail }, { status });
}

/** The access token to send, and the new pair to store when it took a refresh; null: signed out. */
async function accessToken(
  request: NextRequest,
): Promise<{ token: string; renewed?: TokenPair } | null> {
  const token = request.cookies.get(ACCESS_COOKIE)?.value;
  if (token) {
    return { token };
  }
  const refreshToken = request.cookies.get(REFRESH_COOKIE)?.value;
  const renewed = refreshToken ? await refreshSession(refreshToken) : null;
  return renewed ? { token: renewed.access_token, renewed } : null;
}

/** The socket once the service accepted it, or the reason it refused. */
function connect(
  token: string,
  tenantId: string,
): Promise<{ socket: Socket } | { error: string }> {
  const socket = io(`${bookingServiceUrl()}/bookings`, {
    auth: { token, tenantId },
    transports: ["websocket"],
    reconnection: false,
    timeout: HANDSHAKE_TIMEOUT_MS,
  });
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ socket }));
    socket.once("connect_error", (error) => {
      socket.disconnect();
      resolve({ error: error.message });
    });
  });
}

export async function bookingEvents(
  request: NextRequest,
): Promise<NextResponse> {
  const tenantId = z
    .uuid()
    .safeParse(request.nextUrl.searchParams.get("studio"));
  if (!tenantId.success) {
    return refused(400, "Name the studio: ?studio=<id>");
  }
  const session = await accessToken(request);
  if (!session) {
    const response = refused(401, "Sign in again");
    clearSession(response.cookies);
    return response;
  }
  const connected = await connect(session.token, tenantId.data);
  if ("error" in connected) {
    // The service says why: "unauthorized: …", "forbidden: …", or it cannot be reached.
    const status = connected.error.startsWith("unauthorized")
      ? 401
      : connected.error.startsWith("forbidden")
        ? 403
        : 503;
    return refused(status, connected.error);
  }
  const { socket } = connected;
  const encoder = new TextEncoder();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearInterval(keepAlive);
    clearTimeout(deadline);
    socket.disconnect();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const close = () => {
        if (!open) {
          return;
        }
        open = false;
        stop();
        controller.close();
      };
      const send = (text: string) => {
        if (open) {
          controller.enqueue(encoder.encode(text));
        }
      };
      socket.on(BOOKING_CHANGED, (payload: unknown) => {
        const change = changeFor(BOOKING_APP, payload);
        if (change) {
          send(serverSentEvent(BOOKING_CHANGED, change));
        }
      });
      socket.on("disconnect", close);
      request.signal.addEventListener("abort", close);
      keepAlive = setInterval(() => send(KEEP_ALIVE), KEEP_ALIVE_MS);
      deadline = setTimeout(close, MAX_STREAM_MS);
      // Tells the page the stream is live: from now on no change is missed.
      send(serverSentEvent("ready", { studio: tenantId.data }));
    },
    cancel: stop,
  });
  const response = new NextResponse(stream, {
    headers: {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
  if (session.renewed) {
    writeSession(response.cookies, session.renewed);
  }
  return response;
}

import { Controller, Get } from "@nestjs/common";
import { ApiOkResponse, ApiOperation, ApiTags } from "@nestjs/swagger";
import { z } from "zod";

/** The body of every service's `GET /health`, as the FastAPI services answer it. */
export const Health = z
  .object({ status: z.literal("ok") })
  .meta({ id: "Health" });
export type Health = z.infer<typeof Health>;

@ApiTags("health")
@Controller("health")
export class HealthController {
  // Answers as long as the process serves requests: no database round trip, so that a slow
  // database does not make the orchestrator restart every service at once.
  @Get()
  @ApiOperation({ operationId: "getHealth" })
  @ApiOkResponse({ standardSchema: Health })
  health(): Health {
    return { status: "ok" };
  }
}

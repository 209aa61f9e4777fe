/**
 * Socket.IO on the service's own HTTP server (same port), for the browsers of the workspace's apps:
 * the CORS origins are the HTTP API's (CORS_ORIGINS, else the apps'), which a gateway decorator,
 * evaluated at import time, could not know.
 */
import type { INestApplicationContext } from "@nestjs/common";
import { IoAdapter } from "@nestjs/platform-socket.io";
import type { Server, ServerOptions } from "socket.io";
import type { Config } from "../config.js";

export class BookingSocketAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: Config,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      cors: { origin: [...this.config.corsOrigins], credentials: true },
    } as ServerOptions);
  }
}

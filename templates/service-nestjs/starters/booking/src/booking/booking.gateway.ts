/**
 * Realtime: Socket.IO namespace /bookings. A client connects with `auth: {token, tenantId}`; the
 * handshake verifies the token as the HTTP API does and asks the database whether the user is a
 * member of that tenant (as the user, in that tenant: RLS answers, not this code). A refused
 * handshake ends in the client's `connect_error` with the reason. An accepted socket joins room
 * `tenant:<id>`, and after every committed change the service emits `booking.changed` to the room
 * of the booking's tenant only.
 *
 * One process only: with several replicas, a change reaches the clients of the replica that made
 * it. Put @socket.io/redis-adapter on the namespace's server to fan out through Redis.
 */
import { Inject, Logger } from "@nestjs/common";
import {
  type OnGatewayConnection,
  type OnGatewayInit,
  WebSocketGateway,
  WebSocketServer,
} from "@nestjs/websockets";
import type { Namespace, Socket } from "socket.io";
import { z } from "zod";
import { InvalidTokenError, TokenVerifier } from "../auth/token-verifier.js";
import { Database } from "../db/database.js";
import * as repository from "./booking.repository.js";
import type { BookingChanged } from "./booking.schema.js";

export const BOOKINGS_NAMESPACE = "/bookings";
export const BOOKING_CHANGED = "booking.changed";

const Handshake = z.object({ token: z.string().min(1), tenantId: z.uuid() });

export const tenantRoom = (tenantId: string): string => `tenant:${tenantId}`;

@WebSocketGateway({ namespace: BOOKINGS_NAMESPACE })
export class BookingGateway
  implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>
{
  @WebSocketServer() private namespace?: Namespace;
  private readonly logger = new Logger(BookingGateway.name);

  constructor(
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(Database) private readonly database: Database,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (error: unknown) =>
          next(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  handleConnection(socket: Socket): void {
    const tenantId = (socket.data as { tenantId?: string }).tenantId;
    if (tenantId === undefined) {
      socket.disconnect(true);
      return;
    }
    void socket.join(tenantRoom(tenantId));
  }

  /** Tells the clients of `tenantId` (and nobody else) that a booking changed. */
  bookingChanged(tenantId: string, change: BookingChanged): void {
    this.namespace?.to(tenantRoom(tenantId)).emit(BOOKING_CHANGED, change);
  }

  private async admit(socket: Socket): Promise<void> {
    const handshake = Handshake.safeParse(socket.handshake.auth);
    if (!handshake.success) {
      throw new Error("unauthorized: auth must be {token, tenantId}");
    }
    const { token, tenantId } = handshake.data;
    let claims;
    try {
      claims = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        throw new Error("unauthorized: invalid or expired token");
      }
      // The issuer's keys could not be fetched, say: the client learns nothing more of it.
      this.logger.error(
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
      throw new Error("unavailable: try again later");
    }
    let role: string | null;
    try {
      role = await this.database.asTenantUser(claims, tenantId, (tx) =>
        repository.currentRole(tx),
      );
    } catch (error) {
      this.logger.error(
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
      throw new Error("unavailable: try again later");
    }
    if (role === null) {
      throw new Error("forbidden: not a member of this tenant");
    }
    (socket.data as { tenantId?: string; userId?: string }).tenantId = tenantId;
    (socket.data as { tenantId?: string; userId?: string }).userId = claims.sub;
  }
}

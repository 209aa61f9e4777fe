import { Module } from "@nestjs/common";
import { BookingGateway } from "./booking.gateway.js";
import { BookingService } from "./booking.service.js";
import { BookingsController } from "./bookings.controller.js";
import { HoldExpiry } from "./hold-expiry.js";
import { TenantsController } from "./tenants.controller.js";

/**
 * The booking starter: tenants, the booking apps' endpoints, realtime changes (Socket.IO namespace
 * /bookings) and hold expiry (BullMQ). Database, AuthGuard, TokenVerifier and CONFIG come from the
 * skeleton's global modules.
 */
@Module({
  controllers: [TenantsController, BookingsController],
  providers: [BookingGateway, BookingService, HoldExpiry],
  exports: [BookingService, HoldExpiry],
})
export class BookingModule {}

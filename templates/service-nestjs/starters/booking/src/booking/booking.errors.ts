/**
 * Errors of the booking endpoints: `{statusCode, code, message, detail}`. `code` is what a client
 * branches on (booking_conflict, stale_version, ...); `detail` is the skeleton's field of every
 * error (src/errors.ts), the same text as `message`, so a client of every service reads it alike.
 */
import {
  applyDecorators,
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
} from "@nestjs/common";
import { ApiUnprocessableEntityResponse } from "@nestjs/swagger";
import type { FastifyReply } from "fastify";
import { BookingError } from "./booking.schema.js";

/** The OpenAPI description of every endpoint's 422 (a body, query or parameter that fails its schema). */
export const InvalidRequestResponse = () =>
  applyDecorators(
    ApiUnprocessableEntityResponse({
      description: "code invalid_request",
      standardSchema: BookingError,
    }),
  );

export class ApiError extends HttpException {
  constructor(status: HttpStatus, code: string, message: string) {
    super(
      {
        statusCode: status,
        code,
        message,
        detail: message,
      } satisfies BookingError,
      status,
    );
  }
}

export const notFound = (code: string, message: string) =>
  new ApiError(HttpStatus.NOT_FOUND, code, message);

/** The constraint a PostgreSQL error names, through the wrappers around it. */
export function constraintOf(error: unknown): string | undefined {
  for (
    let e = error, depth = 0;
    e instanceof Object && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const constraint = (e as { constraint?: unknown }).constraint;
    if (typeof constraint === "string") {
      return constraint;
    }
  }
  return undefined;
}

const DEFAULT_CODES: Partial<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: "bad_request",
  [HttpStatus.UNAUTHORIZED]: "unauthorized",
  [HttpStatus.FORBIDDEN]: "forbidden",
  [HttpStatus.NOT_FOUND]: "not_found",
  [HttpStatus.CONFLICT]: "conflict",
  [HttpStatus.UNPROCESSABLE_ENTITY]: "invalid_request",
};

/**
 * Gives every HTTP error of the booking controllers the shape above: those thrown here as they are,
 * the others (401 of the AuthGuard, 422 of the validation pipe with its `issues`) completed with a
 * code. Anything that is not an HttpException goes on to the skeleton's filter (a 500).
 */
@Catch(HttpException)
export class BookingErrorFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = exception.getStatus();
    const response = exception.getResponse();
    const given =
      typeof response === "object" ? (response as Record<string, unknown>) : {};
    const message =
      typeof given.message === "string"
        ? given.message
        : typeof given.detail === "string"
          ? given.detail
          : exception.message;
    const body: BookingError = {
      ...given,
      statusCode: status,
      code:
        typeof given.code === "string"
          ? given.code
          : (DEFAULT_CODES[status] ?? "error"),
      message,
      detail: message,
    };
    if (status === HttpStatus.UNAUTHORIZED) {
      void reply.header("WWW-Authenticate", "Bearer");
    }
    void reply.status(status).send(body);
  }
}

/**
 * Every error response has one shape, the FastAPI services' `{"detail": "<message>"}`, so the apps
 * handle all services alike. A request that fails validation (a Zod schema on @Body, @Param or
 * @Query) is 422, and also lists what was wrong:
 *
 *     {"detail": "Validation failed", "issues": [{"path": ["full_name"], "message": "Too big: ..."}]}
 *
 * A 401 carries `WWW-Authenticate: Bearer`. An unexpected error is a 500 whose detail says nothing
 * of its cause (that goes to the log).
 */
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  StandardSchemaValidationPipe,
  UnprocessableEntityException,
} from "@nestjs/common";
import type { FastifyReply } from "fastify";
import { z } from "zod";

export const ErrorDetail = z
  .object({ detail: z.string() })
  .meta({ id: "ErrorDetail" });

export const ValidationErrorDetail = z
  .object({
    detail: z.string(),
    issues: z.array(
      z.object({
        path: z.array(z.union([z.string(), z.number()])),
        message: z.string(),
      }),
    ),
  })
  .meta({ id: "ValidationErrorDetail" });

export type ValidationErrorDetail = z.infer<typeof ValidationErrorDetail>;

/** Validates every parameter that names a schema: `@Body({ schema })`, `@Param("id", { schema })`. */
export function validationPipe(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({
    exceptionFactory: (issues) => {
      const body: ValidationErrorDetail = {
        detail: "Validation failed",
        issues: issues.map((issue) => ({
          path: (issue.path ?? []).map((segment) => {
            const key = typeof segment === "object" ? segment.key : segment;
            return typeof key === "number" ? key : String(key);
          }),
          message: issue.message,
        })),
      };
      return new UnprocessableEntityException(body);
    },
  });
}

@Catch()
export class ErrorDetailFilter implements ExceptionFilter {
  private readonly logger = new Logger("Errors");

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (!(exception instanceof HttpException)) {
      this.logger.error(
        exception instanceof Error
          ? (exception.stack ?? exception.message)
          : String(exception),
      );
      void reply
        .status(HttpStatus.INTERNAL_SERVER_ERROR)
        .send({ detail: "Internal Server Error" });
      return;
    }
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (status === HttpStatus.UNAUTHORIZED) {
      void reply.header("WWW-Authenticate", "Bearer");
    }
    if (typeof response === "object" && "detail" in response) {
      void reply.status(status).send(response);
    } else {
      void reply.status(status).send({ detail: exception.message });
    }
  }
}

/** The SQLSTATE of a PostgreSQL error, through the wrappers (Drizzle's DrizzleQueryError) around it. */
export function sqlState(error: unknown): string | undefined {
  for (
    let e = error, depth = 0;
    e instanceof Object && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      return code;
    }
  }
  return undefined;
}

/** What the endpoints that call an extra service of the workspace (n8n, ComfyUI) answer besides. */
import { applyDecorators } from "@nestjs/common";
import {
  ApiBadGatewayResponse,
  ApiServiceUnavailableResponse,
} from "@nestjs/swagger";
import { ErrorDetail } from "../errors.js";

/** The answers of an endpoint that calls `service`, which `setting` configures. */
export const ExtraServiceResponses = (service: string, setting: string) =>
  applyDecorators(
    ApiBadGatewayResponse({
      description: `${service} refused the request or could not be reached`,
      standardSchema: ErrorDetail,
    }),
    ApiServiceUnavailableResponse({
      description: `${setting} is not set`,
      standardSchema: ErrorDetail,
    }),
  );

/** What POST /tenants/:tenantId/content/:contentId/image accepts and answers. */
import { z } from "zod";
import { id } from "./content.schema.js";

export const ImageRequest = z
  .strictObject({
    // A ComfyUI workflow in its API format (ComfyUI: "Export (API)"): node id → {class_type, inputs}.
    workflow: z
      .record(z.string(), z.unknown())
      .refine((w) => Object.keys(w).length > 0, {
        message: "a workflow has at least one node",
      }),
  })
  .meta({ id: "ImageRequest" });
export type ImageRequest = z.infer<typeof ImageRequest>;

export const ImageQueued = z
  .object({
    contentId: id,
    promptId: z.string(),
    // The prompt's place in ComfyUI's queue when it was queued.
    number: z.int(),
  })
  .meta({ id: "ImageQueued" });
export type ImageQueued = z.infer<typeof ImageQueued>;

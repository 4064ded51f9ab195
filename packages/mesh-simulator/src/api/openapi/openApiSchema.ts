/**
 * The parts of an OpenAPI v3 schema object that Kubernetes' documents use.
 *
 * @public
 */
export interface OpenApiSchema {
  type?: string;
  format?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  $ref?: string;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  /** Vendor extensions (`x-kubernetes-patch-merge-key`, `x-kubernetes-group-version-kind`…). */
  [extension: string]: unknown;
}

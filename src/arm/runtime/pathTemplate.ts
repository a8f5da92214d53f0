// ARM path templates such as `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}`.
// Literal segments match case-insensitively (ARM paths are case-insensitive); `{name}` segments
// capture one percent-decoded segment with the caller's casing.

export interface CompiledPathTemplate {
  readonly template: string;
  /** The captured parameters, or null when the path does not match. */
  match(path: string): Record<string, string> | null;
}

type Segment = { readonly literal: string } | { readonly parameter: string };

function splitPath(path: string): string[] {
  return path.split("/").filter((segment) => segment.length > 0);
}

export function compilePathTemplate(template: string): CompiledPathTemplate {
  const segments: Segment[] = splitPath(template).map((segment) => {
    const parameter = /^\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(segment);
    if (parameter?.[1]) return { parameter: parameter[1] };
    if (segment.includes("{"))
      throw new Error(`path template '${template}': a parameter must fill a segment`);
    return { literal: segment.toLowerCase() };
  });
  return {
    template,
    match(path) {
      const parts = splitPath(path);
      if (parts.length !== segments.length) return null;
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i]!;
        const part = parts[i]!;
        if ("literal" in segment) {
          if (part.toLowerCase() !== segment.literal) return null;
          continue;
        }
        let decoded: string;
        try {
          decoded = decodeURIComponent(part);
        } catch {
          return null;
        }
        params[segment.parameter] = decoded;
      }
      return params;
    },
  };
}

// Wildcard group patterns of the `webpubsub.joinLeaveGroups.{pattern}` and
// `webpubsub.sendToGroups.{pattern}` roles: `?` is one character except `.`, `*` any run of
// characters except `.`, `**` any run including `.`, and `\` escapes `\`, `*` and `?`.
// Matching is case-sensitive; a pattern holds at most five `*` (a `**` counts two).

export const maxStarsPerPattern = 5;

/** A matcher for the pattern, or an error text when the pattern is not valid. */
export function compileGroupPattern(pattern: string): ((group: string) => boolean) | string {
  let source = "";
  let stars = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "\\") {
      const next = pattern[i + 1];
      if (next !== "\\" && next !== "*" && next !== "?")
        return `'\\' must escape '\\', '*' or '?' in '${pattern}'`;
      source += escapeRegExp(next);
      i++;
    } else if (ch === "*") {
      if (pattern[i + 1] === "*") {
        source += ".*";
        stars += 2;
        i++;
      } else {
        source += "[^.]*";
        stars += 1;
      }
    } else if (ch === "?") {
      source += "[^.]";
    } else {
      source += escapeRegExp(ch);
    }
  }
  if (stars > maxStarsPerPattern) return `'${pattern}' has more than ${maxStarsPerPattern} '*'`;
  const regex = new RegExp(`^${source}$`, "su");
  return (group) => regex.test(group);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

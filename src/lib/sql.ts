/** Splits a SQL file into statements: `--` comment lines dropped, split on `;` (the project's
 * SQL files put no semicolon inside a string literal). */
export function sqlStatements(sql: string): string[] {
  return sql
    .split("\n")
    .filter((l) => !l.trim().startsWith("--"))
    .join("\n")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
}

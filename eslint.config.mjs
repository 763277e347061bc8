// ESLint for the TypeScript (and the bootstrap's plain JavaScript): the recommended rules of
// ESLint and typescript-eslint, run by the unit tier (test/run.ts) and `npm run lint:ts`.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", ".venv/**", ".lakehouse/**", "test-results/**", "walkthrough-out/**", "bench/.work/**", "dbt/target/**", "bin/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // scripts/bootstrap.mjs runs before tsx exists: plain JavaScript on Node.
  { files: ["**/*.mjs"], languageOptions: { globals: globals.node } },
  // `_name` marks what a destructuring leaves out on purpose.
  { rules: { "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_", ignoreRestSiblings: true }] } },
  {
    // These read JSON that has no TypeScript types here: kubectl's and the Pulumi engine's
    // objects (src/deploy, src/cluster, src/cli/deploy.ts) and the Pulumi mocks' captured inputs
    // (the tests that inspect them). `any` stays at that boundary only.
    files: [
      "src/deploy/**", "src/cluster/**", "src/cli/deploy.ts", "bench/lib/silver.ts",
      "test/unit/pulumi/**", "test/unit/deploy/**", "test/unit/cluster/**", "test/cluster/**", "test/deploy/**",
    ],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);

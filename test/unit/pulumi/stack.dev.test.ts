import { describe } from "node:test";
import { stackSuite } from "./stack-suite";

describe("stack dev (kind)", () => stackSuite("dev", { buildImages: "false" }, {}));

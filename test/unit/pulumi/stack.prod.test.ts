import { describe } from "node:test";
import { stackSuite } from "./stack-suite";

describe("stack prod (external S3, larger)", () => stackSuite("prod", {}, { s3AdminUser: "admin-from-config", s3AdminPassword: "password-from-config" }));

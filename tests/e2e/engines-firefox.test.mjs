// The cross-engine phone, jump, search, drawer and language tests
// (engines/suite.mjs) in Firefox.
import { describe } from "node:test";
import { defineSuite } from "./engines/suite.mjs";
import { selectedEngines } from "./engines/engines.mjs";

describe("firefox", { skip: !selectedEngines().includes("firefox") && "not in E2E_ENGINES" }, () => defineSuite("firefox"));

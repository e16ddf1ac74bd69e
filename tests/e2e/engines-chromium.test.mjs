// The cross-engine phone, jump, search, drawer and language tests
// (engines/suite.mjs) in Chromium.
import { describe } from "node:test";
import { defineSuite } from "./engines/suite.mjs";
import { selectedEngines } from "./engines/engines.mjs";

describe("chromium", { skip: !selectedEngines().includes("chromium") && "not in E2E_ENGINES" }, () => defineSuite("chromium"));

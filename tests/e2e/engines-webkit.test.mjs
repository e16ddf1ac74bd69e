// The cross-engine phone, jump, search, drawer and language tests
// (engines/suite.mjs) in WebKit.
import { describe } from "node:test";
import { defineSuite } from "./engines/suite.mjs";
import { selectedEngines } from "./engines/engines.mjs";

describe("webkit", { skip: !selectedEngines().includes("webkit") && "not in E2E_ENGINES" }, () => defineSuite("webkit"));

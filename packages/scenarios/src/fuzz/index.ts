/** Property-based fault testing on top of scenarios: fuzz cases as scenarios, run and checked. */
export * from "./case-scenario";
export * from "./run-case";

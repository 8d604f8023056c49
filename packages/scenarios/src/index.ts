export * from "./steps";
export * from "./runner";
export * from "./describe";
export { drill000 } from "./drills/drill-000";
export * from "./measures";
export * from "./workloads";
export * from "./validate";
export { library } from "./library";

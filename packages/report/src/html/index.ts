/** The HTML report: the data it embeds and the one-file page around the viewer (packages/report/viewer). */
export * from "./report-data";
export * from "./page";
export * from "./sweep-data";
export * from "./state-diff";

export * from "./api-keys";
export * from "./campaigns";
export * from "./clicks";
export * from "./enrolments";
export * from "./influencers";
export * from "./links";
export * from "./operations";

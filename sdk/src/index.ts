export * from "./math/index.js";

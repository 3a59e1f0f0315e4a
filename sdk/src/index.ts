export { TOKEN_TO_USD_SCALE, toTokenDown, toTokenUp, toUsd } from "./math/tokenUnits.js";

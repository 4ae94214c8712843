import {
  formatDate,
  htmlTarget,
  renderPage
} from "./chunk-TUK64P25.js";
import "./chunk-JF2FP34T.js";
import "./chunk-ALZM65U4.js";
import "./chunk-574UC3B5.js";
export {
  formatDate,
  htmlTarget,
  renderPage
};

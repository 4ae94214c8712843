import {
  formatDate,
  htmlTarget,
  renderPage
} from "./chunk-7PENWRKU.js";
import "./chunk-WSB4RORQ.js";
import "./chunk-ALZM65U4.js";
import "./chunk-574UC3B5.js";
export {
  formatDate,
  htmlTarget,
  renderPage
};

/* 粤康码 H5 core for the pages whose scripts are still classic (venue.html, medical.html): the core as window.YKM,
   which scanner.js extends. Loaded as <script type="module"> before their deferred scripts, which the browser runs
   after it, in document order. */
import * as YKM from "./ykm.js";

window.YKM = Object.assign({}, YKM);

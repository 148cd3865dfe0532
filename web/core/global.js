/* 粤康码 H5 core for the page whose scripts are still classic (venue.html): the core and the scanner (scanner.js)
   as window.YKM. Loaded as <script type="module"> before their deferred scripts, which the browser runs
   after it, in document order. */
import { attachScanner } from "../scanner.js";
import * as YKM from "./ykm.js";

window.YKM = Object.assign({ attachScanner: attachScanner }, YKM);

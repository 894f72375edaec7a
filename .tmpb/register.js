"use strict";
var __getOwnPropNames = Object.getOwnPropertyNames;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};

// dist/core/baseline.js
var require_baseline = __commonJS({
  "dist/core/baseline.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.KnownLeaks = exports2.BASELINE_VERSION = void 0;
    exports2.entryKey = entryKey;
    var path = __importStar(require("node:path"));
    exports2.BASELINE_VERSION = 1;
    var KnownLeaks = class {
      baseDir;
      keys;
      constructor(entries, baseDir) {
        this.baseDir = baseDir;
        this.keys = new Set(entries.map((entry) => entryKey({ ...entry, file: entry.file && path.resolve(baseDir, entry.file) })));
      }
      get size() {
        return this.keys.size;
      }
      /** `leaks` split into those the baseline lists and the new ones, in order. */
      split(leaks) {
        const fresh = [];
        const known = [];
        for (const leak of leaks)
          (this.isKnown(leak) ? known : fresh).push(leak);
        return { fresh, known };
      }
      isKnown(leak) {
        if (this.keys.size === 0)
          return false;
        const file = leak.file && path.resolve(this.baseDir, leak.file);
        return this.keys.has(entryKey({ kind: leak.kind, test: leak.test, probe: leak.probe, file }));
      }
    };
    exports2.KnownLeaks = KnownLeaks;
    function entryKey(entry) {
      return JSON.stringify([entry.kind, entry.file ?? null, entry.test, entry.probe]);
    }
  }
});

// dist/config/errors.js
var require_errors = __commonJS({
  "dist/config/errors.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.ConfigError = void 0;
    exports2.displayPath = displayPath;
    exports2.oneLine = oneLine;
    exports2.describeValue = describeValue;
    var path = __importStar(require("node:path"));
    var ConfigError = class extends Error {
      name = "ConfigError";
      filepath;
      key;
      /** The message without the `leakguard: invalid config in <file>: <key>: ` prefix. */
      detail;
      constructor(detail, location = {}) {
        super(formatMessage(detail, location), location.cause === void 0 ? void 0 : { cause: location.cause });
        this.filepath = location.filepath;
        this.key = location.key;
        this.detail = detail;
      }
    };
    exports2.ConfigError = ConfigError;
    function formatMessage(detail, location) {
      const { filepath } = location;
      const where = filepath === void 0 ? "invalid config" : `invalid config in ${displayPath(filepath)}`;
      const shownKey = "shownKey" in location ? location.shownKey : location.key;
      const at = shownKey ? `${shownKey}: ` : "";
      return `leakguard: ${where}: ${at}${oneLine(detail)}`;
    }
    function displayPath(filepath) {
      const relative = path.relative(process.cwd(), filepath);
      return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? filepath : relative;
    }
    function oneLine(text) {
      return text.replace(/\s*\n\s*/g, " ").trim();
    }
    function describeValue(value) {
      if (value === null)
        return "null";
      if (Array.isArray(value))
        return "an array";
      switch (typeof value) {
        case "string":
          return `string ${JSON.stringify(value)}`;
        case "number":
        case "boolean":
        case "bigint":
          return `${typeof value} ${String(value)}`;
        case "undefined":
          return "undefined";
        case "function":
          return "a function";
        default:
          return "an object";
      }
    }
  }
});

// dist/config/baseline-file.js
var require_baseline_file = __commonJS({
  "dist/config/baseline-file.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.readBaseline = readBaseline;
    var fs = __importStar(require("node:fs"));
    var baseline_1 = require_baseline();
    var errors_1 = require_errors();
    function readBaseline(file) {
      let text;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (error) {
        if (error.code === "ENOENT")
          return [];
        throw new errors_1.ConfigError(`cannot read the baseline file: ${(0, errors_1.oneLine)(String(error.message))}`, { filepath: file, cause: error });
      }
      let parsed;
      try {
        parsed = JSON.parse(text.replace(/^\uFEFF/, ""));
      } catch (error) {
        throw new errors_1.ConfigError(`the baseline file is not JSON: ${(0, errors_1.oneLine)(error.message)}`, { filepath: file, cause: error });
      }
      const fail = (detail) => {
        throw new errors_1.ConfigError(`${detail} (write it again with LEAKGUARD_UPDATE_BASELINE=1)`, { filepath: file });
      };
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        return fail(`expected a baseline object, got ${(0, errors_1.describeValue)(parsed)}`);
      const { version, leaks } = parsed;
      if (version !== baseline_1.BASELINE_VERSION)
        return fail(`unsupported baseline version ${(0, errors_1.describeValue)(version)} (this leakguard reads version ${baseline_1.BASELINE_VERSION})`);
      if (!Array.isArray(leaks))
        return fail(`"leaks" must be an array, got ${(0, errors_1.describeValue)(leaks)}`);
      return leaks.map((entry, index) => {
        const { kind, test, probe, file: testFile } = entry ?? {};
        const bad = (field, value) => fail(`leaks[${index}].${field}: got ${(0, errors_1.describeValue)(value)}`);
        if (kind !== "test" && kind !== "hook" && kind !== "file")
          return bad("kind", kind);
        if (typeof test !== "string")
          return bad("test", test);
        if (typeof probe !== "string")
          return bad("probe", probe);
        if (testFile !== void 0 && typeof testFile !== "string")
          return bad("file", testFile);
        return { kind, test, probe, ...testFile === void 0 ? {} : { file: testFile } };
      });
    }
  }
});

// dist/config/load-module.js
var require_load_module = __commonJS({
  "dist/config/load-module.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.loadModule = loadModule;
    exports2.isModuleNamespace = isModuleNamespace;
    exports2.lacksDefaultExport = lacksDefaultExport;
    exports2.mainExport = mainExport;
    var node_url_1 = require("node:url");
    var dynamicImport = new Function("specifier", "return import(specifier)");
    async function loadModule(filepath) {
      try {
        return require(filepath);
      } catch (error) {
        if (!needsImport(error))
          throw error;
      }
      return dynamicImport((0, node_url_1.pathToFileURL)(filepath).href);
    }
    function needsImport(error) {
      if (!(error instanceof Error))
        return false;
      const code = error.code;
      if (code === "ERR_REQUIRE_ESM" || code === "ERR_REQUIRE_ASYNC_MODULE")
        return true;
      return error instanceof SyntaxError && /Cannot use import statement outside a module|Unexpected token 'export'/.test(error.message);
    }
    function isModuleNamespace(value) {
      return typeof value === "object" && value !== null && Object.prototype.toString.call(value) === "[object Module]";
    }
    function lacksDefaultExport(exported) {
      if (typeof exported !== "object" || exported === null || "default" in exported)
        return false;
      return isModuleNamespace(exported) || exported.__esModule === true;
    }
    function mainExport(exported) {
      if (isModuleNamespace(exported))
        return exported.default;
      if (typeof exported === "object" && exported !== null && "__esModule" in exported && "default" in exported) {
        return exported.default;
      }
      return exported;
    }
  }
});

// dist/core/probe.js
var require_probe = __commonJS({
  "dist/core/probe.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.defineProbe = defineProbe;
    exports2.itemId = itemId;
    exports2.toReading = toReading;
    function defineProbe(definition) {
      return definition;
    }
    function itemId(item) {
      return item.id ?? item.label;
    }
    function toReading(sampled) {
      return typeof sampled === "number" ? { value: sampled } : sampled;
    }
  }
});

// dist/core/stack-frames.js
var require_stack_frames = __commonJS({
  "dist/core/stack-frames.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.captureCreationStack = captureCreationStack;
    exports2.isForeign = isForeign;
    exports2.userFrames = userFrames;
    exports2.stackLocations = stackLocations;
    exports2.projectFrame = projectFrame;
    var path = __importStar(require("node:path"));
    var CAPTURED_FRAMES = 10;
    function captureCreationStack(above) {
      const holder = {};
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = CAPTURED_FRAMES;
      Error.captureStackTrace(holder, above);
      Error.stackTraceLimit = limit;
      return { stack: typeof holder.stack === "string" ? holder.stack : void 0 };
    }
    var LEAKGUARD_DIR = path.resolve(__dirname, "..");
    function isForeign(file) {
      return file.startsWith("node:") || file.startsWith("internal/") || file.startsWith(LEAKGUARD_DIR + path.sep) || /[\\/]node_modules[\\/]mocha[\\/]/.test(file);
    }
    var FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;
    function userFrames(captured, max = 5) {
      const text = captured?.stack;
      if (typeof text !== "string")
        return [];
      const frames = [];
      for (const line of text.split("\n")) {
        const match = FRAME.exec(line);
        if (!match)
          continue;
        const [, fn, rawFile = "", row, column] = match;
        const file = rawFile.startsWith("file://") ? decodeURIComponent(rawFile.slice("file://".length)) : rawFile;
        if (isForeign(file))
          continue;
        frames.push({ location: `${file}:${row}:${column}`, file, ...fn ? { fn } : {} });
        if (frames.length >= max)
          break;
      }
      return frames;
    }
    function stackLocations(captured, max = 5) {
      return userFrames(captured, max).map((frame) => frame.location);
    }
    function projectFrame(stack) {
      return stack.find((frame) => !/(^|[\\/])node_modules[\\/]/.test(frame)) ?? stack[0];
    }
  }
});

// dist/probes/creation-sites.js
var require_creation_sites = __commonJS({
  "dist/probes/creation-sites.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.openSyncUntracked = void 0;
    exports2.creationSite = creationSite;
    exports2.creationSiteOfServer = creationSiteOfServer;
    exports2.creationSequence = creationSequence;
    exports2.forgetFinishedTimers = forgetFinishedTimers;
    exports2.pendingTimersSince = pendingTimersSince;
    exports2.trackCreationSites = trackCreationSites;
    exports2.runningChildProcesses = runningChildProcesses;
    exports2.openSiteOf = openSiteOf;
    exports2.unwrapGlobal = unwrapGlobal;
    var node_child_process_1 = require("node:child_process");
    var dgram = __importStar(require("node:dgram"));
    var fs = require("node:fs");
    var timersModule = require("node:timers");
    var net = __importStar(require("node:net"));
    var node_module_1 = require("node:module");
    var node_util_1 = require("node:util");
    var stack_frames_1 = require_stack_frames();
    var SITE = /* @__PURE__ */ Symbol.for("leakguard.creationSite");
    exports2.openSyncUntracked = fs.openSync;
    var sequence = 0;
    var installed = false;
    var liveTimers = /* @__PURE__ */ new Set();
    var pruneAbove = 1024;
    function creationSite(object) {
      return object[SITE];
    }
    function creationSiteOfServer(handle) {
      const server = handle.server;
      return server ? creationSite(server) : void 0;
    }
    function creationSequence() {
      return sequence;
    }
    function forgetFinishedTimers() {
      for (const timer of liveTimers)
        if (isDone(timer))
          liveTimers.delete(timer);
    }
    function pendingTimersSince(since) {
      const pending = [];
      for (const timer of liveTimers) {
        if (isDone(timer)) {
          liveTimers.delete(timer);
          continue;
        }
        if (creationSite(timer).sequence > since && timer.hasRef())
          pending.push(timer);
      }
      return pending;
    }
    function isDone(timer) {
      return timer._destroyed === true;
    }
    function mark(object, above, timer) {
      if (typeof object !== "object" || object === null || object[SITE])
        return;
      const site = { stack: (0, stack_frames_1.captureCreationStack)(above), sequence: ++sequence };
      if (timer)
        site.timer = timer;
      Object.defineProperty(object, SITE, { value: site, enumerable: false, configurable: true });
    }
    function trackCreationSites() {
      if (installed)
        return;
      installed = true;
      wrapTimer("setTimeout");
      wrapTimer("setInterval");
      wrapMethod(net.Server.prototype, "listen");
      wrapMethod(net.Socket.prototype, "connect");
      wrapMethod(dgram.Socket.prototype, "bind");
      wrapChildSpawn();
      const watch = fs.watch;
      fs.watch = function watchTracked(...args) {
        const watcher = watch.apply(this, args);
        mark(watcher, watchTracked);
        return watcher;
      };
      wrapFileOpening();
      (0, node_module_1.syncBuiltinESMExports)();
    }
    var liveChildren = /* @__PURE__ */ new Set();
    var pruneChildrenAbove = 64;
    function runningChildProcesses() {
      forgetExitedChildren();
      return [...liveChildren];
    }
    function forgetExitedChildren() {
      for (const child of liveChildren)
        if (hasExited(child))
          liveChildren.delete(child);
    }
    function hasExited(child) {
      return child.exitCode !== null || child.signalCode !== null;
    }
    function wrapChildSpawn() {
      const prototype = node_child_process_1.ChildProcess.prototype;
      const original = prototype.spawn;
      if (typeof original !== "function")
        return;
      const wrapped = function(...args) {
        mark(this, wrapped);
        const result = original.apply(this, args);
        if (typeof this.pid === "number" && !hasExited(this)) {
          liveChildren.add(this);
          if (liveChildren.size > pruneChildrenAbove) {
            forgetExitedChildren();
            pruneChildrenAbove = Math.max(64, liveChildren.size * 2);
          }
        }
        return result;
      };
      Object.defineProperty(wrapped, "name", { value: original.name });
      Object.defineProperty(wrapped, "length", { value: original.length });
      prototype.spawn = wrapped;
    }
    var openSites = /* @__PURE__ */ new Map();
    function openSiteOf(fd) {
      return openSites.get(fd);
    }
    function wrapFileOpening() {
      const { openSync, open } = fs;
      const openPromise = fs.promises.open;
      fs.openSync = function openSyncTracked(...args) {
        const fd = openSync.apply(this, args);
        openSites.set(fd, (0, stack_frames_1.captureCreationStack)(openSyncTracked));
        sequence++;
        return fd;
      };
      fs.open = function openTracked(...args) {
        const stack = (0, stack_frames_1.captureCreationStack)(openTracked);
        const callback = args.at(-1);
        if (typeof callback === "function") {
          args[args.length - 1] = function opened(error, fd) {
            if (!error && typeof fd === "number")
              openSites.set(fd, stack);
            sequence++;
            return callback.apply(this, [error, fd]);
          };
        }
        return open.apply(this, args);
      };
      fs.promises.open = async function openPromiseTracked(...args) {
        const stack = (0, stack_frames_1.captureCreationStack)(openPromiseTracked);
        const handle = await openPromise.apply(this, args);
        openSites.set(handle.fd, stack);
        sequence++;
        return handle;
      };
    }
    var wrappedGlobals = /* @__PURE__ */ new WeakMap();
    function unwrapGlobal(value) {
      return typeof value === "function" && wrappedGlobals.get(value) || value;
    }
    function wrapTimer(kind) {
      const original = globalThis[kind];
      const wrapped = function(callback, delay, ...rest) {
        const timer = original.call(this, callback, delay, ...rest);
        mark(timer, wrapped, { kind, delayMs: typeof delay === "number" ? delay : 1 });
        if (creationSite(timer))
          liveTimers.add(timer);
        if (liveTimers.size > pruneAbove) {
          forgetFinishedTimers();
          pruneAbove = Math.max(1024, liveTimers.size * 2);
        }
        return timer;
      };
      const custom = original[node_util_1.promisify.custom];
      if (custom)
        Object.defineProperty(wrapped, node_util_1.promisify.custom, { value: custom });
      Object.defineProperty(wrapped, "name", { value: original.name });
      wrappedGlobals.set(wrapped, original);
      globalThis[kind] = wrapped;
      if (timersModule[kind] === original)
        timersModule[kind] = wrapped;
    }
    function wrapMethod(prototype, name) {
      const original = prototype[name];
      if (typeof original !== "function")
        return;
      const wrapped = function(...args) {
        mark(this, wrapped);
        return original.apply(this, args);
      };
      Object.defineProperty(wrapped, "name", { value: original.name });
      Object.defineProperty(wrapped, "length", { value: original.length });
      prototype[name] = wrapped;
    }
  }
});

// dist/probes/children.js
var require_children = __commonJS({
  "dist/probes/children.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.childrenProbe = void 0;
    var timers = __importStar(require("node:timers"));
    var probe_1 = require_probe();
    var stack_frames_1 = require_stack_frames();
    var creation_sites_12 = require_creation_sites();
    var KILL_GRACE_MS = 2e3;
    var MAX_COMMAND_LENGTH = 200;
    exports2.childrenProbe = (0, probe_1.defineProbe)({
      name: "children",
      unit: "count",
      description: "child processes started by a test and still running after it",
      defaultThreshold: 0,
      settle: true,
      options: {
        kill: {
          type: "boolean",
          default: false,
          description: "kill each leaked child once it is reported (SIGTERM, then SIGKILL after 2 s), so a leaky test cannot keep CI running or leave processes behind"
        }
      },
      hint: 'A child process started in this test was still running after it. Wait for it to exit in the test (await once(child, "exit")), or kill it in afterEach (child.kill()); for exec/execFile, pass a timeout.',
      create: createChildrenProbe
    });
    function createChildrenProbe({ options }) {
      (0, creation_sites_12.trackCreationSites)();
      const kill = options.kill === true;
      const killer = kill ? new Killer() : void 0;
      return {
        sample: () => {
          const children = (0, creation_sites_12.runningChildProcesses)();
          return { value: children.length, state: children };
        },
        newItems: (before, after) => newChildren(before.state, after.state),
        describe: async (items) => {
          const described = await withUsage(items);
          if (!killer)
            return described;
          return described.map((item, i) => {
            const child = childOfItem.get(items[i]);
            return child && killer.kill(child) ? { ...item, killed: true, label: `${item.label} (killed by leakguard)` } : item;
          });
        }
      };
    }
    function newChildren(before, after) {
      if (after.length === 0)
        return [];
      const known = new Set(before);
      const items = [];
      for (const child of after) {
        if (known.has(child) || child.exitCode !== null || child.signalCode !== null)
          continue;
        items.push(childItem(child));
      }
      return items;
    }
    function childItem(child) {
      const pid = child.pid;
      const command = commandLine(child.spawnargs.length > 0 ? child.spawnargs : [child.spawnfile]);
      const item = { id: `child:${pid}`, type: "process", label: `child process pid ${pid}: ${command}`, pid, command };
      const stack = (0, stack_frames_1.stackLocations)((0, creation_sites_12.creationSite)(child)?.stack);
      if (stack.length > 0)
        item.stack = stack;
      childOfItem.set(item, child);
      return item;
    }
    var childOfItem = /* @__PURE__ */ new WeakMap();
    function commandLine(args) {
      const text = args.map((arg) => /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg)).join(" ");
      return text.length > MAX_COMMAND_LENGTH ? `${text.slice(0, MAX_COMMAND_LENGTH - 3)}...` : text;
    }
    async function withUsage(items) {
      const pids = items.map((item) => item.pid);
      if (pids.length === 0)
        return items;
      let usage;
      try {
        const pidusage = require("pidusage");
        usage = await pidusage(pids, { maxage: 5e3 });
      } catch {
        return items;
      }
      return items.map((item) => {
        const stats = usage[String(item.pid)];
        if (!stats)
          return item;
        const cpuPercent = stats.elapsed > 0 ? Math.round(stats.ctime / stats.elapsed * 1e3) / 10 : 0;
        return {
          ...item,
          // Before the command line, which the summary may shorten.
          label: `child process pid ${item.pid} (${formatMiB(stats.memory)} RSS, ${cpuPercent}% CPU): ${item.command}`,
          memory: stats.memory,
          cpuPercent,
          cpuTimeMs: Math.round(stats.ctime),
          elapsedMs: Math.round(stats.elapsed)
        };
      });
    }
    function formatMiB(bytes) {
      return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
    }
    var Killer = class {
      pending = /* @__PURE__ */ new Set();
      onExit = () => {
        for (const child of this.pending)
          if (isRunning(child))
            child.kill("SIGKILL");
      };
      constructor() {
        process.on("exit", this.onExit);
      }
      /** Send SIGTERM to the child; false when it has already ended. */
      kill(child) {
        if (!isRunning(child))
          return false;
        try {
          child.kill("SIGTERM");
        } catch {
          return false;
        }
        this.pending.add(child);
        const timer = timers.setTimeout(() => {
          this.pending.delete(child);
          if (isRunning(child))
            child.kill("SIGKILL");
        }, KILL_GRACE_MS);
        timer.unref();
        return true;
      }
    };
    function isRunning(child) {
      return child.exitCode === null && child.signalCode === null;
    }
  }
});

// dist/probes/patterns.js
var require_patterns = __commonJS({
  "dist/probes/patterns.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.globMatcher = globMatcher;
    exports2.anyOf = anyOf;
    function globMatcher(glob) {
      const source = glob.split("*").map(escapeRegExp).join(".*");
      const pattern = new RegExp(`^${source}$`, "s");
      return (text) => pattern.test(text);
    }
    function anyOf(matchers) {
      return (text) => matchers.some((matches) => matches(text));
    }
    function escapeRegExp(literal) {
      return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
});

// dist/probes/env.js
var require_env = __commonJS({
  "dist/probes/env.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.envProbe = void 0;
    var probe_1 = require_probe();
    var patterns_1 = require_patterns();
    exports2.envProbe = (0, probe_1.defineProbe)({
      name: "env",
      unit: "count",
      description: "process.env variables added, changed or removed, and process.cwd() changes, not undone",
      defaultThreshold: 0,
      enabledByDefault: false,
      options: {
        ignore: {
          type: "string[]",
          default: [],
          description: 'environment variable names not to report; * matches any characters ("npm_*")'
        }
      },
      hint: (item) => item?.type === "cwd" ? CWD_HINT : ENV_HINT,
      create: createEnvProbe
    });
    var ENV_HINT = "An environment variable was set, changed or deleted in this test and never restored, so later tests see a different process.env. Save the old value and restore it in afterEach (delete the variable if it was not set before).";
    var CWD_HINT = "The working directory was changed in this test (process.chdir()) and never changed back, so relative paths in later tests resolve elsewhere. Save process.cwd() and chdir back to it in afterEach.";
    function createEnvProbe({ options }) {
      const ignored = (0, patterns_1.anyOf)((options.ignore ?? []).map(patterns_1.globMatcher));
      const sample = () => ({ value: 0, state: { env: JSON.stringify(process.env), cwd: process.cwd() } });
      const original = sample().state;
      return {
        sample,
        newItems: (before, after) => envChanges(before.state, after.state, original, ignored)
      };
    }
    function envChanges(before, after, original, ignored) {
      const items = [];
      if (before.env !== after.env) {
        const was = variables(before.env);
        const now = variables(after.env);
        const start = variables(original.env);
        const add = (name, change) => {
          const restored = now.get(name) === start.get(name);
          if (!restored && !ignored(name))
            items.push({ id: `env:${name}`, type: change, label: `env ${name} ${change}`, name });
        };
        for (const [name, value] of now) {
          if (!was.has(name))
            add(name, "added");
          else if (was.get(name) !== value)
            add(name, "changed");
        }
        for (const name of was.keys())
          if (!now.has(name))
            add(name, "removed");
      }
      if (before.cwd !== after.cwd && after.cwd !== original.cwd) {
        items.push({ id: "cwd", type: "cwd", label: `cwd changed from ${before.cwd} to ${after.cwd}`, from: before.cwd, to: after.cwd });
      }
      return items;
    }
    var parsed = /* @__PURE__ */ new Map();
    function variables(json) {
      let map = parsed.get(json);
      if (!map) {
        map = new Map(Object.entries(JSON.parse(json)));
        if (parsed.size >= 4)
          parsed.delete(parsed.keys().next().value);
        parsed.set(json, map);
      }
      return map;
    }
  }
});

// dist/probes/fd-targets.js
var require_fd_targets = __commonJS({
  "dist/probes/fd-targets.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.classifyTarget = classifyTarget;
    exports2.classifyStats = classifyStats;
    exports2.socketInode = socketInode;
    exports2.targetPath = targetPath;
    exports2.socketLabel = socketLabel;
    function classifyTarget(target) {
      if (target.startsWith("/"))
        return "file";
      if (target.startsWith("socket:"))
        return "socket";
      if (target.startsWith("pipe:"))
        return "pipe";
      if (target.startsWith("anon_inode:"))
        return "anon_inode";
      return "other";
    }
    function classifyStats(stats) {
      if (stats.isFile() || stats.isDirectory() || stats.isCharacterDevice() || stats.isBlockDevice())
        return "file";
      if (stats.isSocket())
        return "socket";
      if (stats.isFIFO())
        return "pipe";
      return "other";
    }
    function socketInode(target) {
      return /^socket:\[(\d+)\]$/.exec(target)?.[1];
    }
    function targetPath(target) {
      return target.endsWith(" (deleted)") ? target.slice(0, -" (deleted)".length) : target;
    }
    function socketLabel(info) {
      if (info.kind === "unix") {
        return `unix socket ${info.path ?? "unnamed"} (${info.listening ? "listening" : info.state.toLowerCase()})`;
      }
      if (info.state === "LISTEN")
        return `${info.protocol} listening ${info.local}`;
      if (info.remote)
        return `${info.protocol} ${info.local} -> ${info.remote} (${info.state})`;
      return info.protocol === "UDP" ? `UDP bound ${info.local}` : `TCP ${info.local} (${info.state})`;
    }
  }
});

// dist/probes/handle-labels.js
var require_handle_labels = __commonJS({
  "dist/probes/handle-labels.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.activeHandles = activeHandles;
    exports2.wrapTypeOf = wrapTypeOf;
    exports2.describeHandle = describeHandle;
    var node_child_process_1 = require("node:child_process");
    var dgram = __importStar(require("node:dgram"));
    var net = __importStar(require("node:net"));
    function activeHandles() {
      const getter = process._getActiveHandles;
      return typeof getter === "function" ? getter.call(process) : [];
    }
    function wrapTypeOf(handle) {
      if (handle instanceof net.Server)
        return isPipe(handle) ? "PipeServerWrap" : "TCPServerWrap";
      if (handle instanceof net.Socket) {
        const kind = innerHandleName(handle);
        if (kind === "TTY")
          return "TTYWrap";
        return kind === "Pipe" ? "PipeWrap" : "TCPSocketWrap";
      }
      if (handle instanceof node_child_process_1.ChildProcess)
        return "ProcessWrap";
      if (handle instanceof dgram.Socket)
        return "UDPWrap";
      const name = handle.constructor?.name;
      if (name === "FSWatcher")
        return "FSEventWrap";
      return name === "StatWatcher" ? "StatWatcher" : void 0;
    }
    function describeHandle(handle) {
      try {
        if (handle instanceof net.Server)
          return describeServer(handle);
        if (handle instanceof net.Socket)
          return describeSocket(handle);
        if (handle instanceof node_child_process_1.ChildProcess) {
          const command = handle.spawnargs.join(" ");
          return { label: `child process pid ${handle.pid ?? "?"}: ${command}`, pid: handle.pid, command };
        }
        if (handle instanceof dgram.Socket) {
          const address = handle.address();
          return { label: `UDP socket ${address.address}:${address.port}` };
        }
        if (handle.constructor?.name === "FSWatcher")
          return { label: "fs.watch() watcher" };
      } catch {
      }
      return { label: handle.constructor?.name ?? "handle" };
    }
    function describeServer(server) {
      const address = server.address();
      if (typeof address === "string")
        return { label: `server listening on ${address}`, path: address };
      if (address)
        return { label: `server listening on ${formatHost(address.address)}:${address.port}`, port: address.port };
      return { label: "server (not yet listening)" };
    }
    function describeSocket(socket) {
      if (innerHandleName(socket) === "TTY")
        return { label: "terminal stream" };
      const local = socket.localAddress ? `${formatHost(socket.localAddress)}:${socket.localPort}` : void 0;
      const remote = socket.remoteAddress ? `${formatHost(socket.remoteAddress)}:${socket.remotePort}` : void 0;
      if (local || remote)
        return { label: `socket ${local ?? "?"} -> ${remote ?? "?"}` };
      return { label: innerHandleName(socket) === "Pipe" ? "pipe or Unix socket" : "socket (not connected)" };
    }
    function formatHost(host) {
      return host.includes(":") ? `[${host}]` : host;
    }
    function isPipe(server) {
      return innerHandleName(server) === "Pipe";
    }
    function innerHandleName(owner) {
      const inner = owner._handle;
      return inner?.constructor?.name;
    }
  }
});

// dist/probes/proc-net.js
var require_proc_net = __commonJS({
  "dist/probes/proc-net.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.findSockets = findSockets;
    exports2.parseInetTable = parseInetTable;
    exports2.parseUnixTable = parseUnixTable;
    exports2.decodeEndpoint = decodeEndpoint;
    var node_fs_1 = require("node:fs");
    var node_net_1 = require("node:net");
    var node_os_1 = require("node:os");
    var PROC_NET = "/proc/net";
    var TCP_STATES = [
      "UNKNOWN",
      "ESTABLISHED",
      "SYN_SENT",
      "SYN_RECV",
      "FIN_WAIT1",
      "FIN_WAIT2",
      "TIME_WAIT",
      "CLOSE",
      "CLOSE_WAIT",
      "LAST_ACK",
      "LISTEN",
      "CLOSING",
      "NEW_SYN_RECV"
    ];
    var UNIX_STATES = ["FREE", "UNCONNECTED", "CONNECTING", "CONNECTED", "DISCONNECTING"];
    var UNIX_TYPES = { "0001": "stream", "0002": "dgram", "0005": "seqpacket" };
    var UNIX_ACCEPTCON = 65536;
    var INET_TABLES = [
      { file: "tcp", protocol: "TCP" },
      { file: "tcp6", protocol: "TCP" },
      { file: "udp", protocol: "UDP" },
      { file: "udp6", protocol: "UDP" }
    ];
    function findSockets(inodes) {
      const found = /* @__PURE__ */ new Map();
      const pending = new Set(inodes);
      const take = (inode, info) => {
        if (!pending.delete(inode))
          return;
        found.set(inode, info);
      };
      for (const { file, protocol } of INET_TABLES) {
        if (pending.size === 0)
          return found;
        for (const [inode, info] of parseInetTable(readTable(`${PROC_NET}/${file}`), protocol))
          take(inode, info);
      }
      if (pending.size > 0) {
        for (const [inode, info] of parseUnixTable(readTable(`${PROC_NET}/unix`)))
          take(inode, info);
      }
      return found;
    }
    function readTable(path) {
      try {
        return (0, node_fs_1.readFileSync)(path, "latin1");
      } catch {
        return "";
      }
    }
    function* parseInetTable(text, protocol) {
      for (const line of dataLines(text)) {
        const fields = line.trim().split(/\s+/);
        const [, local, remote, state, , , , , , inode] = fields;
        if (!local || !remote || !state || !inode)
          continue;
        const info = {
          kind: "inet",
          protocol,
          local: decodeEndpoint(local),
          state: TCP_STATES[parseInt(state, 16)] ?? state
        };
        if (!isUnspecified(remote))
          info.remote = decodeEndpoint(remote);
        yield [inode, info];
      }
    }
    function* parseUnixTable(text) {
      for (const line of dataLines(text)) {
        const match = /^\s*\S+\s+\S+\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)(?: (.*))?$/.exec(line);
        if (!match)
          continue;
        const [, flags = "0", type = "", state = "0", inode = "", path] = match;
        const info = {
          kind: "unix",
          socketType: UNIX_TYPES[type] ?? "unknown",
          listening: (parseInt(flags, 16) & UNIX_ACCEPTCON) !== 0,
          state: UNIX_STATES[parseInt(state, 16)] ?? state
        };
        if (path)
          info.path = path;
        yield [inode, info];
      }
    }
    function decodeEndpoint(hex) {
      const [address = "", port = "0"] = hex.split(":");
      const portNumber = parseInt(port, 16);
      if (address.length === 8)
        return `${decodeAddress(address, "ipv4")}:${portNumber}`;
      return `[${decodeAddress(address, "ipv6")}]:${portNumber}`;
    }
    function decodeAddress(hex, family) {
      const bytes = Buffer.from(hex, "hex");
      if ((0, node_os_1.endianness)() === "LE") {
        for (let word = 0; word < bytes.length; word += 4)
          bytes.subarray(word, word + 4).reverse();
      }
      if (family === "ipv4")
        return bytes.join(".");
      const groups = [];
      for (let i = 0; i < 16; i += 2)
        groups.push(bytes.readUInt16BE(i).toString(16));
      return new node_net_1.SocketAddress({ address: groups.join(":"), family: "ipv6" }).address;
    }
    function isUnspecified(hexEndpoint) {
      return /^0+:0+$/.test(hexEndpoint);
    }
    function dataLines(text) {
      return text.split("\n").slice(1).filter((line) => line.trim() !== "");
    }
  }
});

// dist/probes/fds.js
var require_fds = __commonJS({
  "dist/probes/fds.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.fdsProbe = void 0;
    var node_fs_1 = require("node:fs");
    var node_net_1 = require("node:net");
    var node_path_1 = require("node:path");
    var probe_1 = require_probe();
    var fd_targets_1 = require_fd_targets();
    var patterns_1 = require_patterns();
    var stack_frames_1 = require_stack_frames();
    var creation_sites_12 = require_creation_sites();
    var handle_labels_1 = require_handle_labels();
    var proc_net_1 = require_proc_net();
    var ALWAYS_IGNORED = ["/dev/null", "anon_inode:inotify"];
    var DEFAULT_FD_DIRS = ["/proc/self/fd", "/dev/fd"];
    var HINTS = {
      file: "A file was opened in this test and never closed. Close it (fs.closeSync(fd), await filehandle.close(), stream.destroy()) in the test or in afterEach.",
      socket: "A socket was opened in this test and is still open. Close servers (server.close()), destroy client sockets and agents (socket.destroy(), agent.destroy()), close database and HTTP clients, and kill child processes (their stdio are sockets) in the test or in afterEach.",
      pipe: "An anonymous pipe was opened in this test and never closed, usually by a native addon or a library that talks to a process through pipes. Close it, or destroy the stream that wraps it, in the test or in afterEach.",
      anon_inode: "A kernel event object (epoll, eventfd, timerfd) was created in this test and never closed, usually by a worker thread or a native addon still running. Terminate workers (await worker.terminate()) and close what the addon opened in afterEach.",
      other: "A file descriptor was opened in this test and never closed. Close it in the test or in afterEach."
    };
    exports2.fdsProbe = (0, probe_1.defineProbe)({
      name: "fds",
      unit: "count",
      description: "open file descriptors: files, sockets, pipes (from /proc/self/fd, or /dev/fd)",
      defaultThreshold: 0,
      settle: true,
      options: {
        ignore: {
          type: "string[]",
          default: [],
          description: 'descriptor targets not to report, as /proc/self/fd shows them: an exact target ("anon_inode:[eventpoll]"), a path and everything under it ("/var/log"), or a pattern in which * matches anything ("pipe:*", "*.log"); added to the built-in list'
        },
        fdDir: {
          type: "string",
          description: "the directory that lists open descriptors (default: /proc/self/fd, else /dev/fd; the LEAKGUARD_FD_DIR environment variable overrides the default); the probe switches off if it cannot be listed"
        }
      },
      hint: fdHint,
      create: createFdsProbe
    });
    function createFdsProbe(context) {
      (0, creation_sites_12.trackCreationSites)();
      const fdDir = findFdDir(context);
      if (fdDir === void 0)
        return null;
      openStdioStreams();
      const ignored = ignoreMatcher([...ALWAYS_IGNORED, ...context.options.ignore ?? []]);
      const sampler = new FdSampler(fdDir);
      return {
        sample: () => sampler.sample(),
        newItems: (before, after) => newFds(fdDir, before, after, ignored),
        mayEndByItself: (items) => mayEndByItself(items),
        describe: (items) => describeFds(items)
      };
    }
    function mayEndByItself(items) {
      if (items.some((item) => item.type === "pipe" || item.type === "other"))
        return true;
      const sockets = items.filter((item) => item.type === "socket");
      if (sockets.length === 0)
        return false;
      const inodes = /* @__PURE__ */ new Set();
      for (const socket of sockets) {
        const inode = socket.target === void 0 ? void 0 : (0, fd_targets_1.socketInode)(socket.target);
        if (inode === void 0)
          return true;
        inodes.add(inode);
      }
      const found = (0, proc_net_1.findSockets)(inodes);
      if (found.size < inodes.size)
        return true;
      return [...found.values()].some((info) => !isListening(info));
    }
    function isListening(info) {
      return "listening" in info ? info.listening : info.state === "LISTEN" || info.protocol === "UDP" && !info.remote;
    }
    function findFdDir({ options, rootDir, warn }) {
      const chosen = options.fdDir || process.env["LEAKGUARD_FD_DIR"];
      const candidates = chosen ? [(0, node_path_1.resolve)(rootDir, chosen)] : DEFAULT_FD_DIRS;
      const listable = candidates.find(canList);
      if (listable === void 0) {
        warn(`cannot list ${candidates.join(" or ")}${chosen ? "" : " on this platform"}; probe switched off`);
      }
      return listable;
    }
    function canList(fdDir) {
      try {
        listOpenFds(fdDir);
        return true;
      } catch {
        return false;
      }
    }
    function openStdioStreams() {
      void process.stdout;
      void process.stderr;
    }
    var FdSampler = class {
      fdDir;
      last;
      constructor(fdDir) {
        this.fdDir = fdDir;
      }
      sample() {
        const activity = (0, creation_sites_12.creationSequence)();
        if (this.last && this.last.activity === activity && this.last.lowestFree === lowestFreeFd())
          return this.last.reading;
        const { names, lowestFree } = listOpenFds(this.fdDir);
        const reading = { value: names.length, state: names };
        this.last = { lowestFree, activity: (0, creation_sites_12.creationSequence)(), reading };
        return reading;
      }
    };
    function lowestFreeFd() {
      const fd = (0, creation_sites_12.openSyncUntracked)("/dev/null", "r");
      (0, node_fs_1.closeSync)(fd);
      return fd;
    }
    function listOpenFds(fdDir) {
      const names = (0, node_fs_1.readdirSync)(fdDir);
      const lowestFree = lowestFreeFd();
      const own = names.indexOf(String(lowestFree));
      if (own !== -1)
        names.splice(own, 1);
      return { names, lowestFree };
    }
    function newFds(fdDir, before, after, ignored) {
      const known = new Set(listedNames(before));
      const items = [];
      for (const name of listedNames(after)) {
        if (known.has(name))
          continue;
        const item = readFd(fdDir, name);
        if (item && !(item.target !== void 0 && ignored(item.target)))
          items.push(item);
      }
      return items;
    }
    function listedNames(reading) {
      return reading.state;
    }
    function readFd(fdDir, name) {
      const fd = Number(name);
      let target;
      try {
        target = (0, node_fs_1.readlinkSync)((0, node_path_1.join)(fdDir, name));
      } catch (error) {
        return errorCode(error) === "EINVAL" ? statFd(fd) : void 0;
      }
      const type = (0, fd_targets_1.classifyTarget)(target);
      const item = { id: name, label: `fd ${fd} -> ${target}`, type, fd, target };
      if (type === "file")
        item.path = (0, fd_targets_1.targetPath)(target);
      return item;
    }
    function statFd(fd) {
      try {
        const type = (0, fd_targets_1.classifyStats)((0, node_fs_1.fstatSync)(fd));
        return { id: String(fd), label: `fd ${fd} (${type})`, type, fd };
      } catch {
        return void 0;
      }
    }
    function describeFds(items) {
      const inodes = new Set(items.map(inodeOf).filter((inode) => inode !== void 0));
      const sockets = inodes.size > 0 ? (0, proc_net_1.findSockets)(inodes) : /* @__PURE__ */ new Map();
      const idle = idleAgentSockets();
      const owners = handlesByFd(idle);
      return items.map((item) => {
        const described = item.type === "file" ? withOpenSite(withFileSize(item)) : withSocket(item, sockets);
        return withOwner(described, owners.get(item.fd), idle);
      });
    }
    function withSocket(item, sockets) {
      const inode = inodeOf(item);
      const socket = inode === void 0 ? void 0 : sockets.get(inode);
      return socket ? { ...item, label: `fd ${item.fd} -> ${(0, fd_targets_1.socketLabel)(socket)}`, socket } : item;
    }
    function withOwner(item, owner, idle) {
      if (!owner)
        return item;
      const site = (0, creation_sites_12.creationSite)(owner) ?? (0, creation_sites_12.creationSiteOfServer)(owner);
      const stack = site ? (0, stack_frames_1.stackLocations)(site.stack) : [];
      const described = { ...item, owner: owner.constructor?.name ?? "handle", ...stack.length > 0 ? { stack } : {} };
      const agent = idle.get(owner);
      return agent ? { ...described, label: `${item.label}, idle in ${agent}`, pooledBy: agent } : described;
    }
    function loadedBuiltin(name) {
      const loaded = process.moduleLoadList;
      return Array.isArray(loaded) && loaded.includes(`NativeModule ${name}`);
    }
    function idleAgentSockets() {
      const idle = /* @__PURE__ */ new Map();
      for (const [name, module3] of [["http.globalAgent", "http"], ["https.globalAgent", "https"]]) {
        if (!loadedBuiltin(module3))
          continue;
        const agent = require(`node:${module3}`).globalAgent;
        for (const sockets of Object.values(agent.freeSockets ?? {}))
          for (const socket of sockets ?? [])
            idle.set(socket, name);
      }
      return idle;
    }
    function withOpenSite(item) {
      const stack = (0, stack_frames_1.stackLocations)((0, creation_sites_12.openSiteOf)(item.fd));
      return stack.length > 0 ? { ...item, stack } : item;
    }
    function handlesByFd(idle) {
      const byFd = /* @__PURE__ */ new Map();
      for (const socket of idle.keys()) {
        const fd = socket._handle?.fd;
        if (typeof fd === "number" && fd >= 0)
          byFd.set(fd, socket);
      }
      for (const handle of (0, handle_labels_1.activeHandles)()) {
        if (!(handle instanceof node_net_1.Socket || handle instanceof node_net_1.Server))
          continue;
        const fd = handle._handle?.fd;
        if (typeof fd === "number" && fd >= 0)
          byFd.set(fd, handle);
      }
      return byFd;
    }
    function inodeOf(item) {
      return item.target === void 0 ? void 0 : (0, fd_targets_1.socketInode)(item.target);
    }
    function withFileSize(item) {
      try {
        const stats = (0, node_fs_1.fstatSync)(item.fd);
        return stats.isFile() ? { ...item, size: stats.size } : item;
      } catch {
        return item;
      }
    }
    function fdHint(item) {
      if (typeof item?.pooledBy === "string") {
        return `An HTTP request in this test left its connection idle in ${item.pooledBy}'s keep-alive pool (Node 19 and later keep connections; they close after 5 s idle). Pass an agent without keepAlive in tests, or call ${item.pooledBy}.destroy() in after().`;
      }
      const type = item?.type;
      return type !== void 0 && Object.hasOwn(HINTS, type) ? HINTS[type] : HINTS.other;
    }
    function ignoreMatcher(entries) {
      return (0, patterns_1.anyOf)(entries.map((entry) => entry.includes("*") ? (0, patterns_1.globMatcher)(entry) : exactOrUnder(entry)));
    }
    function exactOrUnder(entry) {
      const prefix = entry.endsWith("/") ? entry : `${entry}/`;
      return (target) => target === entry || entry.startsWith("/") && target.startsWith(prefix);
    }
    function errorCode(error) {
      return error?.code;
    }
  }
});

// dist/probes/globals.js
var require_globals = __commonJS({
  "dist/probes/globals.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.globalsProbe = void 0;
    var probe_1 = require_probe();
    var creation_sites_12 = require_creation_sites();
    var patterns_1 = require_patterns();
    var ALWAYS_IGNORED = ["Symbol(undici.globalDispatcher.*)", "__coverage__"];
    exports2.globalsProbe = (0, probe_1.defineProbe)({
      name: "globals",
      unit: "count",
      description: "globals (own properties of globalThis) added and not removed, or replaced and not restored",
      defaultThreshold: 0,
      options: {
        ignore: {
          type: "string[]",
          default: [],
          description: 'global names not to report; * matches any characters ("__coverage__", "$*"); a symbol is named as it prints, "Symbol(name)"; added to the built-in list'
        }
      },
      hint: (item) => HINTS[item?.type ?? "added"] ?? HINTS.added,
      create: createGlobalsProbe
    });
    var HINTS = {
      added: 'A global variable was created in this test and never removed, often by assigning to an undeclared variable (declare it with let or const, or add "use strict" to find them), or by globalThis.name = ... in the test or in code it runs. If it must be global, delete it in afterEach (delete globalThis.name).',
      replaced: "A global was replaced in this test (a stub or mock of fetch, Date, setTimeout, ...) and never put back, so later tests run against the replacement. Keep the original and restore it in afterEach (or call sinon.restore() / clock.uninstall()).",
      removed: "A global was deleted in this test and never put back, so later tests run without it. Keep the original and restore it in afterEach."
    };
    function createGlobalsProbe({ options }) {
      trackGlobalDefinitions();
      const ignored = (0, patterns_1.anyOf)([...ALWAYS_IGNORED, ...options.ignore ?? []].map(patterns_1.globMatcher));
      const sampler = new GlobalsSampler();
      const start = sampler.sample().state;
      const original = new Map(start.listing.dataKeys.map((key, i) => [key, start.values[i]]));
      return {
        sample: () => sampler.sample(),
        newItems: (before, after) => changedGlobals(before.state, after.state, original, ignored)
      };
    }
    var GlobalsSampler = class {
      listing;
      enumerable = [];
      listedAt = -1;
      /** The values of the previous sample, reused while nothing changed: a sample then allocates nothing. */
      values = [];
      sample() {
        if (!this.listing || this.listedAt !== definitions.count || !this.sameEnumerableNames()) {
          this.listing = listGlobals();
          this.listedAt = definitions.count;
          this.enumerable = enumerableNames();
          this.values = this.read();
        } else if (!this.unchanged()) {
          this.values = this.read();
        }
        const state = { listing: this.listing, values: this.values, enumerable: this.enumerable, defined: this.listedAt };
        return { value: this.listing.keys.length, state };
      }
      /** Whether the enumerable names are those of the last listing, without making an array of them. */
      sameEnumerableNames() {
        const last = this.enumerable;
        let i = 0;
        for (const name in globalThis) {
          if (last[i] !== name)
            return false;
          i++;
        }
        return i === last.length;
      }
      unchanged() {
        try {
          return this.listing.unchanged(this.values);
        } catch {
          return false;
        }
      }
      read() {
        try {
          return this.listing.read();
        } catch {
          this.listing = listGlobals();
          return this.listing.read();
        }
      }
    };
    function enumerableNames() {
      const names = [];
      for (const name in globalThis)
        names.push(name);
      return names;
    }
    function listGlobals() {
      const keys = Reflect.ownKeys(globalThis);
      const dataKeys = keys.filter((key) => {
        const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
        return descriptor !== void 0 && "value" in descriptor;
      });
      return { keys, keySet: new Set(keys), dataKeys, ...compileReaders(dataKeys) };
    }
    function compileReaders(keys) {
      const global = globalThis;
      const symbols = keys.filter((key) => typeof key === "symbol");
      const loads = keys.map((key) => typeof key === "symbol" ? `g[s[${symbols.indexOf(key)}]]` : `g[${JSON.stringify(key)}]`);
      const same = (load, i) => `((x = ${load}) === v[${i}] || (x !== x && v[${i}] !== v[${i}]))`;
      try {
        const read = new Function("g", "s", `"use strict"; return [${loads.join(", ")}];`);
        const unchanged = new Function("g", "s", "v", `"use strict"; let x; return ${loads.map(same).join(" && ") || "true"};`);
        return { read: () => read(global, symbols), unchanged: (values) => unchanged(global, symbols, values) };
      } catch {
        return {
          read: () => keys.map((key) => global[key]),
          unchanged: (values) => keys.every((key, i) => Object.is(global[key], values[i]))
        };
      }
    }
    function changedGlobals(before, after, original, ignored) {
      const items = [];
      const compare = (key, was, now2) => {
        if (Object.is(was, now2))
          return;
        const then = (0, creation_sites_12.unwrapGlobal)(was);
        const value = (0, creation_sites_12.unwrapGlobal)(now2);
        if (Object.is(then, value) || original.has(key) && Object.is((0, creation_sites_12.unwrapGlobal)(original.get(key)), value))
          return;
        if (!Object.hasOwn(globalThis, key))
          removed(key);
        else
          addItem(items, key, "replaced", ignored);
      };
      const removed = (key) => {
        if (original.has(key))
          addItem(items, key, "removed", ignored);
      };
      if (before.listing === after.listing) {
        const { dataKeys } = after.listing;
        for (let i = 0; i < dataKeys.length; i++)
          compare(dataKeys[i], before.values[i], after.values[i]);
        return items;
      }
      const enumerableBefore = new Set(before.enumerable);
      const enumerableAfter = new Set(after.enumerable);
      for (const key of after.listing.keys) {
        if (before.listing.keySet.has(key))
          continue;
        const seen = typeof key === "string" && enumerableAfter.has(key) && !enumerableBefore.has(key) || (definitions.at.get(key) ?? -1) > before.defined;
        if (seen)
          addItem(items, key, "added", ignored);
      }
      const now = /* @__PURE__ */ new Map();
      after.listing.dataKeys.forEach((key, i) => now.set(key, after.values[i]));
      before.listing.dataKeys.forEach((key, i) => {
        if (now.has(key))
          compare(key, before.values[i], now.get(key));
        else if (!after.listing.keySet.has(key) && !Object.hasOwn(globalThis, key))
          removed(key);
      });
      return items;
    }
    function addItem(items, key, change, ignored) {
      const name = typeof key === "symbol" ? key.toString() : String(key);
      if (ignored(name))
        return;
      const shown = typeof key === "symbol" ? name : JSON.stringify(name);
      items.push({ id: `global:${change}:${name}`, type: change, label: `global ${shown} ${change}`, name });
    }
    var definitions = { count: 0, at: /* @__PURE__ */ new Map() };
    var trackingDefinitions = false;
    function trackGlobalDefinitions() {
      if (trackingDefinitions)
        return;
      trackingDefinitions = true;
      const define = Object.defineProperty;
      const wrap = (owner, name, original, wrapped) => {
        define(wrapped, "name", { value: original.name });
        define(wrapped, "length", { value: original.length });
        define(owner, name, { value: wrapped, writable: true, enumerable: false, configurable: true });
      };
      const objectDefineProperty = Object.defineProperty;
      wrap(Object, "defineProperty", objectDefineProperty, function defineProperty(target, key, attributes) {
        if (target === globalThis)
          noteDefinitions([key]);
        return objectDefineProperty(target, key, attributes);
      });
      const objectDefineProperties = Object.defineProperties;
      wrap(Object, "defineProperties", objectDefineProperties, function defineProperties(target, properties) {
        if (target === globalThis && typeof properties === "object" && properties !== null)
          noteDefinitions(Reflect.ownKeys(properties));
        return objectDefineProperties(target, properties);
      });
      const reflectDefineProperty = Reflect.defineProperty;
      wrap(Reflect, "defineProperty", reflectDefineProperty, function defineProperty(target, key, attributes) {
        if (target === globalThis)
          noteDefinitions([key]);
        return reflectDefineProperty(target, key, attributes);
      });
    }
    function noteDefinitions(keys) {
      definitions.count++;
      for (const key of keys) {
        try {
          definitions.at.set(typeof key === "symbol" ? key : String(key), definitions.count);
        } catch {
        }
      }
    }
  }
});

// dist/core/real-timers.js
var require_real_timers = __commonJS({
  "dist/core/real-timers.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.RealPromise = void 0;
    exports2.sleep = sleep;
    exports2.withTimeLimit = withTimeLimit;
    exports2.nowMs = nowMs;
    exports2.wallClock = wallClock;
    var node_perf_hooks_1 = require("node:perf_hooks");
    var timers = __importStar(require("node:timers"));
    exports2.RealPromise = Promise;
    var realSetTimeout = timers.setTimeout;
    var realClearTimeout = timers.clearTimeout;
    var realSetImmediate = timers.setImmediate;
    var RealDate = Date;
    var realPerformanceNow = node_perf_hooks_1.performance.now.bind(node_perf_hooks_1.performance);
    function sleep(ms) {
      return new exports2.RealPromise((resolve) => {
        if (ms <= 0) {
          realSetImmediate(resolve);
        } else {
          realSetTimeout(resolve, ms);
        }
      });
    }
    function withTimeLimit(work, ms) {
      return new exports2.RealPromise((resolve, reject) => {
        const timer = realSetTimeout(() => resolve({ timedOut: true }), ms);
        timer.unref();
        work.then((value) => {
          realClearTimeout(timer);
          resolve({ timedOut: false, value });
        }, (error) => {
          realClearTimeout(timer);
          reject(error);
        });
      });
    }
    function nowMs() {
      return realPerformanceNow();
    }
    function wallClock() {
      return new RealDate();
    }
  }
});

// dist/core/guarded-probe.js
var require_guarded_probe = __commonJS({
  "dist/core/guarded-probe.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.GuardedProbe = exports2.DEFAULT_SETTLE = void 0;
    exports2.errorMessage = errorMessage;
    var probe_1 = require_probe();
    var real_timers_1 = require_real_timers();
    exports2.DEFAULT_SETTLE = { attempts: 12, maxWaitMs: 400 };
    var GuardedProbe = class {
      instance;
      timeLimitMs;
      onFault;
      onNotice;
      name;
      definition;
      threshold;
      settle;
      switchedOff = false;
      constructor(configured, instance, timeLimitMs, onFault, onNotice) {
        this.instance = instance;
        this.timeLimitMs = timeLimitMs;
        this.onFault = onFault;
        this.onNotice = onNotice;
        this.definition = configured.definition;
        this.name = configured.definition.name;
        this.threshold = configured.threshold;
        const rule = configured.definition.settle;
        this.settle = rule === true ? exports2.DEFAULT_SETTLE : rule ? rule : null;
      }
      get active() {
        return !this.switchedOff;
      }
      get measuresAfterGc() {
        return this.definition.measuresAfterGc === true;
      }
      /**
       * A reading, or undefined when the probe failed (it is then switched off). Synchronous
       * when the probe is: most samples are, and each await would cost a turn of the
       * microtask queue, twice per probe per test.
       */
      sample(collected = false) {
        if (this.switchedOff)
          return void 0;
        const started = (0, real_timers_1.nowMs)();
        let result;
        try {
          result = this.instance.sample({ collected });
        } catch (error) {
          return this.sampleFailed(error);
        }
        if (!isPromiseLike(result))
          return this.checked(result, started);
        return (0, real_timers_1.withTimeLimit)(real_timers_1.RealPromise.resolve(result), this.timeLimitMs).then((outcome) => {
          if (!outcome.timedOut)
            return this.checked(outcome.value, started);
          this.fail(`sample() did not finish within ${this.timeLimitMs} ms`);
          return void 0;
        }, (error) => this.sampleFailed(error));
      }
      checked(result, started) {
        const took = (0, real_timers_1.nowMs)() - started;
        if (took > this.timeLimitMs) {
          this.fail(`sample() took ${Math.round(took)} ms, over the limit of ${this.timeLimitMs} ms`);
          return void 0;
        }
        let reading;
        try {
          reading = (0, probe_1.toReading)(result);
        } catch (error) {
          return this.sampleFailed(error);
        }
        if (typeof reading?.value !== "number" || Number.isNaN(reading.value)) {
          this.fail(`sample() returned ${describe(reading)}, not a number or { value: number }`);
          return void 0;
        }
        return reading;
      }
      sampleFailed(error) {
        if (isExhaustion(error)) {
          this.onNotice(this.name, `could not sample while the process was out of resources (${errorMessage(error)}); the units measured meanwhile are skipped by this probe`);
          return void 0;
        }
        this.fail(`sample() threw: ${errorMessage(error)}`);
        return void 0;
      }
      /** What is new in `after` since `before` (by item id unless the probe says otherwise). */
      newItems(before, after) {
        if (this.switchedOff)
          return void 0;
        try {
          if (this.instance.newItems)
            return this.instance.newItems(before, after);
          if (!after.items)
            return void 0;
          const seen = new Set((before.items ?? []).map(probe_1.itemId));
          return after.items.filter((item) => !seen.has((0, probe_1.itemId)(item)));
        } catch (error) {
          this.fail(`newItems() threw: ${errorMessage(error)}`);
          return void 0;
        }
      }
      /** See ProbeInstance.mayEndByItself: when unsure (no items, no answer, a throw), true. */
      mayEndByItself(items) {
        if (!items || !this.instance.mayEndByItself || this.switchedOff)
          return true;
        try {
          return this.instance.mayEndByItself(items) !== false;
        } catch {
          return true;
        }
      }
      /** Details for leaked items; on failure the items are returned as they are. */
      async describe(items) {
        if (!this.instance.describe || items.length === 0 || this.switchedOff)
          return items;
        try {
          const outcome = await (0, real_timers_1.withTimeLimit)(real_timers_1.RealPromise.resolve(this.instance.describe(items)), this.timeLimitMs);
          return outcome.timedOut ? items : outcome.value;
        } catch {
          return items;
        }
      }
      /** Start tracking (see ProbeInstance.track); undefined when the probe cannot or fails. */
      async track(options) {
        if (!this.instance.track || this.switchedOff)
          return void 0;
        try {
          return await this.instance.track(options);
        } catch {
          return void 0;
        }
      }
      hint(item) {
        const { hint } = this.definition;
        if (typeof hint === "string")
          return hint;
        if (typeof hint !== "function")
          return void 0;
        try {
          return hint(item);
        } catch {
          return void 0;
        }
      }
      async dispose() {
        try {
          await this.instance.dispose?.();
        } catch {
        }
      }
      fail(message) {
        if (this.switchedOff)
          return;
        this.switchedOff = true;
        this.onFault(this.name, message);
      }
    };
    exports2.GuardedProbe = GuardedProbe;
    function isPromiseLike(value) {
      return typeof value?.then === "function";
    }
    function isExhaustion(error) {
      const code = error?.code;
      return code === "EMFILE" || code === "ENFILE" || code === "ENOMEM";
    }
    function errorMessage(error) {
      try {
        if (error instanceof Error)
          return error.message;
        return String(error);
      } catch {
        return Object.prototype.toString.call(error);
      }
    }
    function describe(value) {
      try {
        return JSON.stringify(value) ?? String(value);
      } catch {
        return errorMessage(value);
      }
    }
  }
});

// dist/probes/handles.js
var require_handles = __commonJS({
  "dist/probes/handles.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.handlesProbe = void 0;
    var probe_1 = require_probe();
    var guarded_probe_1 = require_guarded_probe();
    var stack_frames_1 = require_stack_frames();
    var creation_sites_12 = require_creation_sites();
    var handle_labels_1 = require_handle_labels();
    exports2.handlesProbe = (0, probe_1.defineProbe)({
      name: "handles",
      unit: "count",
      description: "active handles and requests keeping the event loop alive (timers, servers, sockets, child processes, watchers)",
      defaultThreshold: 0,
      settle: true,
      options: {
        ignore: {
          type: "string[]",
          default: [],
          description: 'resource types not to report, e.g. ["FSReqCallback", "Immediate"]'
        }
      },
      hint: (item) => hintFor(item?.type),
      create: ({ options }) => {
        const ignored = new Set(options.ignore ?? []);
        (0, creation_sites_12.trackCreationSites)();
        return {
          sample: () => {
            (0, creation_sites_12.forgetFinishedTimers)();
            const types = process.getActiveResourcesInfo();
            const handles = (0, handle_labels_1.activeHandles)();
            return { value: types.length, state: { types, handles, sequence: (0, creation_sites_12.creationSequence)() } };
          },
          newItems: (before, after) => newHandles(before.state, after.state, ignored),
          mayEndByItself: (items) => items.some((item) => !endsOnlyByCode.has(item) && !STAYS_UNTIL_CLOSED.has(item.type ?? ""))
        };
      }
    });
    function newHandles(before, after, ignored) {
      const grownTypes = multisetGrowth(before.types, after.types);
      const known = new Set(before.handles);
      const items = [];
      const explain = (type) => grownTypes.set(type, Math.max(0, (grownTypes.get(type) ?? 0) - 1));
      for (const handle of after.handles) {
        if (known.has(handle))
          continue;
        const type = (0, handle_labels_1.wrapTypeOf)(handle);
        if (!type)
          continue;
        explain(type);
        if (!ignored.has(type))
          items.push(reusedLabel({ ...(0, handle_labels_1.describeHandle)(handle), type, id: `handle:${handleId(handle)}`, ...createdAt(handle) }, handle, before.sequence));
      }
      if (!ignored.has("Timeout")) {
        for (const timer of (0, creation_sites_12.pendingTimersSince)(before.sequence)) {
          explain("Timeout");
          items.push(describeTimer(timer));
        }
      }
      for (const [type, count] of grownTypes) {
        if (ignored.has(type))
          continue;
        const seen = before.types.filter((existing) => existing === type).length;
        for (let i = 0; i < count; i++) {
          items.push({ id: `${type}#${seen + i + 1}`, type, label: labelForType(type) });
        }
      }
      return items;
    }
    var STAYS_UNTIL_CLOSED = /* @__PURE__ */ new Set(["TCPServerWrap", "PipeServerWrap", "FSEventWrap", "StatWatcher", "UDPWrap", "TTYWrap", "SignalWrap"]);
    var endsOnlyByCode = /* @__PURE__ */ new WeakSet();
    function reusedLabel(item, handle, unitBegan) {
      const site = (0, creation_sites_12.creationSite)(handle);
      if (!site || site.sequence > unitBegan)
        return item;
      return { ...item, label: `${item.label} (reused: created before this test, e.g. kept in a keep-alive pool)`, reused: true };
    }
    function describeTimer(timer) {
      const site = (0, creation_sites_12.creationSite)(timer);
      const { kind, delayMs } = site.timer;
      const label = kind === "setInterval" ? `setInterval() every ${delayMs} ms` : `setTimeout() due after ${delayMs} ms`;
      const item = { id: `timer:${site.sequence}`, type: "Timeout", label, ...createdAt(timer) };
      if (kind === "setInterval" || delayMs > guarded_probe_1.DEFAULT_SETTLE.maxWaitMs)
        endsOnlyByCode.add(item);
      return item;
    }
    function createdAt(handle) {
      const site = (0, creation_sites_12.creationSite)(handle) ?? (0, creation_sites_12.creationSiteOfServer)(handle);
      const stack = site ? (0, stack_frames_1.stackLocations)(site.stack) : [];
      return stack.length > 0 ? { stack } : {};
    }
    function multisetGrowth(before, after) {
      const counts = /* @__PURE__ */ new Map();
      for (const type of after)
        counts.set(type, (counts.get(type) ?? 0) + 1);
      for (const type of before)
        counts.set(type, (counts.get(type) ?? 0) - 1);
      for (const [type, count] of counts)
        if (count <= 0)
          counts.delete(type);
      return counts;
    }
    var ids = /* @__PURE__ */ new WeakMap();
    var nextId = 1;
    function handleId(handle) {
      let id = ids.get(handle);
      if (id === void 0) {
        id = nextId++;
        ids.set(handle, id);
      }
      return id;
    }
    var TYPE_LABELS = {
      Timeout: "a timer (setTimeout or setInterval) still pending",
      Immediate: "a setImmediate callback still pending",
      FSReqCallback: "a file system request still in flight",
      FSReqPromise: "a file system request (fs.promises) still in flight",
      GetAddrInfoReqWrap: "a DNS lookup still in flight",
      TCPServerWrap: "a TCP server",
      TCPSocketWrap: "a TCP socket",
      PipeWrap: "a pipe or Unix socket",
      ProcessWrap: "a child process",
      FSEventWrap: "a file system watcher (fs.watch)",
      StatWatcher: "a file poller (fs.watchFile)",
      UDPWrap: "a UDP socket",
      TTYWrap: "a terminal stream",
      SignalWrap: "a signal listener"
    };
    function labelForType(type) {
      return TYPE_LABELS[type] ? `${type}: ${TYPE_LABELS[type]}` : type;
    }
    function hintFor(type) {
      switch (type) {
        case "Timeout":
          return "A timer was started in this test and never cleared. Clear it with clearInterval()/clearTimeout() in the test or in afterEach, or unref() it if it must outlive the test.";
        case "Immediate":
          return "A setImmediate callback was still pending after the test. Await it in the test, or clearImmediate() it in afterEach.";
        case "TCPServerWrap":
        case "PipeServerWrap":
          return "A server was started in this test and never closed. Call server.close() in afterEach (and close its open connections: server.closeAllConnections()).";
        case "TCPSocketWrap":
        case "PipeWrap":
          return "A socket opened in this test is still open. End it with socket.end()/socket.destroy() (or agent.destroy() for HTTP keep-alive) in afterEach.";
        case "ProcessWrap":
          return "A child process started in this test is still running. Wait for it to exit, or kill it in afterEach (child.kill()).";
        case "FSEventWrap":
        case "StatWatcher":
          return "A file watcher was started in this test and never closed. Call watcher.close() (or fs.unwatchFile()) in afterEach.";
        case "UDPWrap":
          return "A UDP socket opened in this test is still open. Call socket.close() in afterEach.";
        default:
          if (type && /Req|ReadWrap|WriteWrap|ShutdownWrap|ConnectWrap/.test(type)) {
            return `An operation this test started (a file read or write, a DNS lookup, a socket write) was still in flight when the test ended. Await it (or its stream's "close"/"finish") in the test, or cancel it in afterEach.`;
          }
          return "Something this test started is still keeping the event loop alive. Close or cancel it in the test or in afterEach.";
      }
    }
  }
});

// dist/core/gc.js
var require_gc = __commonJS({
  "dist/core/gc.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.fullGc = fullGc;
    exports2.minorGc = minorGc;
    var v8 = __importStar(require("node:v8"));
    var vm = __importStar(require("node:vm"));
    var cached;
    function gcFunction() {
      if (cached)
        return cached;
      const existing = globalThis.gc;
      if (typeof existing === "function") {
        cached = existing;
      } else {
        v8.setFlagsFromString("--expose-gc");
        cached = vm.runInNewContext("gc");
      }
      return cached;
    }
    function fullGc() {
      gcFunction()();
    }
    function minorGc() {
      gcFunction()({ type: "minor" });
    }
  }
});

// dist/probes/inspector-session.js
var require_inspector_session = __commonJS({
  "dist/probes/inspector-session.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.post = post;
    exports2.withEvent = withEvent;
    var real_timers_1 = require_real_timers();
    var session;
    function connect() {
      const { Session: InspectorSession } = require("node:inspector");
      const created = new InspectorSession();
      created.connect();
      return created;
    }
    function post(method, params) {
      session ??= connect();
      return new real_timers_1.RealPromise((resolve, reject) => {
        session.post(method, params ?? {}, (error, result) => error ? reject(error) : resolve(result));
      });
    }
    async function withEvent(event, listener, work) {
      session ??= connect();
      const handler = (message) => listener(message.params);
      session.on(event, handler);
      try {
        return await work();
      } finally {
        session.off(event, handler);
      }
    }
  }
});

// dist/probes/allocation-sites.js
var require_allocation_sites = __commonJS({
  "dist/probes/allocation-sites.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.trackAllocations = trackAllocations;
    exports2.allocationSites = allocationSites;
    var path = __importStar(require("node:path"));
    var gc_1 = require_gc();
    var real_timers_1 = require_real_timers();
    var stack_frames_1 = require_stack_frames();
    var inspector_session_1 = require_inspector_session();
    var SAMPLING_INTERVAL = 8 * 1024;
    var MAX_SITES = 5;
    async function trackAllocations() {
      await (0, inspector_session_1.post)("HeapProfiler.startSampling", { samplingInterval: SAMPLING_INTERVAL });
      return async ({ discard = false } = {}) => {
        try {
          if (discard)
            return [];
          (0, gc_1.fullGc)();
          await (0, real_timers_1.sleep)(0);
          (0, gc_1.fullGc)();
          const { profile } = await (0, inspector_session_1.post)("HeapProfiler.getSamplingProfile");
          return allocationSites(profile);
        } finally {
          await (0, inspector_session_1.post)("HeapProfiler.stopSampling").catch(() => void 0);
        }
      };
    }
    function allocationSites(profile) {
      const userFrameOf = userFramesByNode(profile.head);
      const sites = /* @__PURE__ */ new Map();
      for (const sample of profile.samples) {
        const frames = userFrameOf.get(sample.nodeId);
        if (!frames || frames.length === 0)
          continue;
        const key = frames[0].location;
        const site = sites.get(key) ?? { bytes: 0, samples: 0, stack: frames.map((frame) => frame.location), fn: frames[0].fn };
        site.bytes += sample.size;
        site.samples++;
        sites.set(key, site);
      }
      return [...sites.values()].sort((a, b) => b.bytes - a.bytes).slice(0, MAX_SITES).map((site) => ({
        id: site.stack[0],
        type: "allocation site",
        label: `allocated in ${site.fn || "(anonymous)"}`,
        size: Math.round(site.bytes),
        stack: site.stack,
        samples: site.samples
      }));
    }
    function userFramesByNode(head) {
      const result = /* @__PURE__ */ new Map();
      const walk = (node, outer) => {
        const frame = toUserFrame(node.callFrame);
        const frames = frame ? [frame, ...outer].slice(0, 5) : outer;
        result.set(node.id, frames);
        for (const child of node.children)
          walk(child, frames);
      };
      walk(head, []);
      return result;
    }
    function toUserFrame(callFrame) {
      const url = callFrame.url;
      if (!url)
        return void 0;
      const file = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
      if (!path.isAbsolute(file) || (0, stack_frames_1.isForeign)(file))
        return void 0;
      return { location: `${file}:${callFrame.lineNumber + 1}:${callFrame.columnNumber + 1}`, fn: callFrame.functionName };
    }
  }
});

// dist/probes/heap-snapshot-parser.js
var require_heap_snapshot_parser = __commonJS({
  "dist/probes/heap-snapshot-parser.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.HeapSnapshotParser = exports2.MAX_STRING_LENGTH = void 0;
    exports2.isHeapObjectId = isHeapObjectId;
    exports2.MAX_STRING_LENGTH = 200;
    var QUOTE = 34;
    var BACKSLASH = 92;
    var COMMA = 44;
    var COLON = 58;
    var OPEN_BRACKET = 91;
    var CLOSE_BRACKET = 93;
    var OPEN_BRACE = 123;
    var CLOSE_BRACE = 125;
    var ZERO = 48;
    var NINE = 57;
    var U32_MAX = 4294967295;
    var HeapSnapshotParser = class {
      options;
      state = 0;
      key = "";
      /** Nesting and string state of the text being gathered or skipped. */
      depth = 0;
      inString = false;
      escaped = false;
      headerText = "";
      header;
      numbersOf;
      number = -1;
      position = 0;
      // The graph being filled.
      nodeFieldCount = 0;
      edgeFieldCount = 0;
      nodeFieldRole = new Int8Array(0);
      edgeFieldRole = new Int8Array(0);
      nodeType = new Uint8Array(0);
      nodeName = new Uint32Array(0);
      nodeId = new Uint32Array(0);
      nodeSelfSize = new Uint32Array(0);
      firstEdge = new Uint32Array(0);
      edgeType = new Uint8Array(0);
      edgeNameOrIndex = new Uint32Array(0);
      edgeTarget = new Uint32Array(0);
      highestId = 0;
      nodesRead = false;
      edgesRead = false;
      // The strings, as escaped JSON text.
      stringBytes = new Uint8Array(0);
      stringEnds = new Uint32Array(0);
      stringCount = 0;
      stringLength = 0;
      stringByteCount = 0;
      constructor(options = {}) {
        this.options = options;
      }
      /** The next piece of the snapshot's text. */
      write(chunk) {
        let i = 0;
        const length = chunk.length;
        while (i < length && this.state !== 8) {
          switch (this.state) {
            case 0: {
              const code = chunk.charCodeAt(i++);
              if (code === QUOTE) {
                this.key = "";
                this.state = 1;
              } else if (code === CLOSE_BRACE) {
                this.state = 8;
              }
              break;
            }
            case 1: {
              const end = chunk.indexOf('"', i);
              this.key += chunk.slice(i, end === -1 ? length : end);
              if (end === -1) {
                i = length;
              } else {
                i = end + 1;
                this.state = 2;
              }
              break;
            }
            case 2:
              if (chunk.charCodeAt(i++) === COLON)
                this.state = 3;
              break;
            case 3:
              i = this.startValue(chunk, i);
              break;
            case 4:
              i = this.readHeader(chunk, i);
              break;
            case 5:
              i = this.readNumbers(chunk, i);
              break;
            case 6:
              i = this.readStrings(chunk, i);
              break;
            case 7:
              i = this.skip(chunk, i);
              break;
          }
        }
      }
      /**
       * The highest heap object id (see {@link isHeapObjectId}), once the nodes have been read
       * (in both modes).
       */
      get maxHeapObjectId() {
        if (!this.nodesRead)
          throw new Error("the heap snapshot ended before its nodes");
        return this.highestId;
      }
      /** The graph; throws when the snapshot was cut short. */
      end() {
        const header = this.header;
        if (!header || this.state !== 8 || !this.nodesRead || !this.edgesRead) {
          throw new Error("the heap snapshot is incomplete");
        }
        const stringBytes = this.stringBytes;
        const stringEnds = this.stringEnds;
        const stringCount = this.stringCount;
        const decoded = /* @__PURE__ */ new Map();
        return {
          nodeCount: header.node_count,
          edgeCount: header.edge_count,
          nodeTypes: header.meta.node_types[0],
          edgeTypes: header.meta.edge_types[0],
          nodeType: this.nodeType,
          nodeName: this.nodeName,
          nodeId: this.nodeId,
          nodeSelfSize: this.nodeSelfSize,
          firstEdge: this.firstEdge,
          edgeType: this.edgeType,
          edgeNameOrIndex: this.edgeNameOrIndex,
          edgeTarget: this.edgeTarget,
          string(index) {
            if (index < 0 || index >= stringCount)
              return "";
            let text = decoded.get(index);
            if (text === void 0) {
              text = decodeEscaped(stringBytes, index === 0 ? 0 : stringEnds[index - 1], stringEnds[index]);
              decoded.set(index, text);
            }
            return text;
          }
        };
      }
      // ---------------------------------------------------------------------------------
      startValue(chunk, i) {
        const code = chunk.charCodeAt(i);
        if (code !== OPEN_BRACE && code !== OPEN_BRACKET && code !== QUOTE && !(code >= ZERO && code <= NINE))
          return i + 1;
        const key = this.key;
        if (key === "snapshot" && code === OPEN_BRACE) {
          this.state = 4;
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
          this.headerText = "";
          return i;
        }
        if ((key === "nodes" || key === "edges") && code === OPEN_BRACKET && this.header) {
          this.state = 5;
          this.numbersOf = key;
          this.position = 0;
          this.number = -1;
          return i + 1;
        }
        if (key === "strings" && code === OPEN_BRACKET && !this.options.idsOnly) {
          this.state = 6;
          this.inString = false;
          this.escaped = false;
          return i + 1;
        }
        this.state = 7;
        this.depth = 0;
        this.inString = false;
        this.escaped = false;
        return i;
      }
      readHeader(chunk, i) {
        const start = i;
        const end = this.scanValue(chunk, i);
        this.headerText += chunk.slice(start, end);
        if (this.depth === 0 && !this.inString) {
          this.setHeader(JSON.parse(this.headerText));
          this.headerText = "";
          this.state = 0;
        }
        return end;
      }
      skip(chunk, i) {
        const end = this.scanValue(chunk, i);
        if (this.depth === 0 && !this.inString)
          this.state = 0;
        return end;
      }
      /**
       * Advance over a JSON value (object, array, string or number) that started at or before
       * `i`; returns where it ended in this chunk (or the chunk's length when it goes on).
       */
      scanValue(chunk, i) {
        const length = chunk.length;
        while (i < length) {
          const code = chunk.charCodeAt(i++);
          if (this.inString) {
            if (this.escaped)
              this.escaped = false;
            else if (code === BACKSLASH)
              this.escaped = true;
            else if (code === QUOTE) {
              this.inString = false;
              if (this.depth === 0)
                return i;
            }
          } else if (code === QUOTE) {
            this.inString = true;
          } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
            this.depth++;
          } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
            if (--this.depth === 0)
              return i;
          } else if (this.depth === 0 && (code === COMMA || code === CLOSE_BRACE)) {
            return i - 1;
          }
        }
        return i;
      }
      setHeader(header) {
        const meta = header.meta;
        if (!meta || !Array.isArray(meta.node_fields) || !Array.isArray(meta.edge_fields)) {
          throw new Error("the heap snapshot has no field layout (snapshot.meta)");
        }
        this.header = header;
        this.nodeFieldCount = meta.node_fields.length;
        this.edgeFieldCount = meta.edge_fields.length;
        this.nodeFieldRole = roles(meta.node_fields, ["type", "name", "id", "self_size", "edge_count"]);
        this.edgeFieldRole = roles(meta.edge_fields, ["type", "name_or_index", "to_node"]);
        if (this.options.idsOnly)
          return;
        const nodes = header.node_count;
        const edges = header.edge_count;
        if (!Number.isInteger(nodes) || !Number.isInteger(edges))
          throw new Error("the heap snapshot does not give its node and edge counts");
        this.nodeType = new Uint8Array(nodes);
        this.nodeName = new Uint32Array(nodes);
        this.nodeId = new Uint32Array(nodes);
        this.nodeSelfSize = new Uint32Array(nodes);
        this.firstEdge = new Uint32Array(nodes + 1);
        this.edgeType = new Uint8Array(edges);
        this.edgeNameOrIndex = new Uint32Array(edges);
        this.edgeTarget = new Uint32Array(edges);
      }
      readNumbers(chunk, i) {
        const length = chunk.length;
        let number = this.number;
        while (i < length) {
          const code = chunk.charCodeAt(i++);
          if (code >= ZERO && code <= NINE) {
            number = number < 0 ? code - ZERO : number * 10 + (code - ZERO);
          } else if (code === COMMA || code === CLOSE_BRACKET) {
            if (number >= 0)
              this.store(number);
            number = -1;
            if (code === CLOSE_BRACKET) {
              this.number = -1;
              this.endNumbers();
              return i;
            }
          } else if (code > 32) {
            throw new Error(`unexpected "${String.fromCharCode(code)}" in the heap snapshot's ${this.numbersOf}`);
          }
        }
        this.number = number;
        return i;
      }
      store(value) {
        const position = this.position++;
        if (this.numbersOf === "nodes") {
          const node = Math.floor(position / this.nodeFieldCount);
          const field = position - node * this.nodeFieldCount;
          const role = this.nodeFieldRole[field];
          if (role === 2 && isHeapObjectId(value) && value > this.highestId)
            this.highestId = value;
          if (this.options.idsOnly)
            return;
          if (node >= this.nodeType.length)
            throw new Error("the heap snapshot has more nodes than it said");
          switch (role) {
            case 0:
              this.nodeType[node] = value;
              break;
            case 1:
              this.nodeName[node] = value;
              break;
            case 2:
              this.nodeId[node] = Math.min(value, U32_MAX);
              break;
            case 3:
              this.nodeSelfSize[node] = Math.min(value, U32_MAX);
              break;
            case 4:
              this.firstEdge[node + 1] = this.firstEdge[node] + value;
              break;
          }
        } else {
          const edge = Math.floor(position / this.edgeFieldCount);
          if (edge >= this.edgeType.length)
            throw new Error("the heap snapshot has more edges than it said");
          switch (this.edgeFieldRole[position - edge * this.edgeFieldCount]) {
            case 0:
              this.edgeType[edge] = value;
              break;
            case 1:
              this.edgeNameOrIndex[edge] = Math.min(value, U32_MAX);
              break;
            case 2:
              this.edgeTarget[edge] = value / this.nodeFieldCount;
              break;
          }
        }
      }
      endNumbers() {
        const header = this.header;
        if (this.numbersOf === "nodes") {
          if (this.position !== header.node_count * this.nodeFieldCount)
            throw new Error("the heap snapshot has fewer nodes than it said");
          this.nodesRead = true;
          if (this.options.idsOnly) {
            this.state = 8;
            this.numbersOf = void 0;
            return;
          }
          if (this.firstEdge[header.node_count] !== header.edge_count)
            throw new Error("the heap snapshot's edge counts do not add up");
        } else {
          if (this.position !== header.edge_count * this.edgeFieldCount)
            throw new Error("the heap snapshot has fewer edges than it said");
          this.edgesRead = true;
        }
        this.numbersOf = void 0;
        this.state = 0;
      }
      readStrings(chunk, i) {
        const length = chunk.length;
        while (i < length) {
          if (!this.inString) {
            const code = chunk.charCodeAt(i++);
            if (code === QUOTE) {
              this.inString = true;
              this.stringLength = 0;
            } else if (code === CLOSE_BRACKET) {
              this.state = 0;
              return i;
            }
            continue;
          }
          let end = i;
          let closed = false;
          while (end < length) {
            const code = chunk.charCodeAt(end);
            if (this.escaped) {
              this.escaped = false;
            } else if (code === BACKSLASH) {
              this.escaped = true;
            } else if (code === QUOTE) {
              closed = true;
              break;
            }
            end++;
          }
          this.appendString(chunk, i, end);
          if (closed) {
            this.endString();
            i = end + 1;
            this.inString = false;
          } else {
            i = end;
          }
        }
        return i;
      }
      appendString(chunk, from, to) {
        const room = exports2.MAX_STRING_LENGTH - this.stringLength;
        const end = Math.min(to, from + room);
        if (end <= from)
          return;
        this.reserveBytes(end - from);
        const bytes = this.stringBytes;
        let at = this.stringByteCount;
        for (let i = from; i < end; i++) {
          const code = chunk.charCodeAt(i);
          bytes[at++] = code < 128 ? code : 63;
        }
        this.stringByteCount = at;
        this.stringLength += end - from;
      }
      endString() {
        if (this.stringCount === this.stringEnds.length) {
          const grown = new Uint32Array(Math.max(1024, this.stringEnds.length * 2));
          grown.set(this.stringEnds);
          this.stringEnds = grown;
        }
        this.stringEnds[this.stringCount++] = this.stringByteCount;
      }
      reserveBytes(extra) {
        const needed = this.stringByteCount + extra;
        if (needed <= this.stringBytes.length)
          return;
        const grown = new Uint8Array(Math.max(needed, 64 * 1024, this.stringBytes.length * 2));
        grown.set(this.stringBytes.subarray(0, this.stringByteCount));
        this.stringBytes = grown;
      }
    };
    exports2.HeapSnapshotParser = HeapSnapshotParser;
    function isHeapObjectId(id) {
      return id % 2 === 1;
    }
    function roles(fields, wanted) {
      for (const name of wanted) {
        if (!fields.includes(name))
          throw new Error(`the heap snapshot has no "${name}" field`);
      }
      return Int8Array.from(fields, (field) => wanted.indexOf(field));
    }
    function decodeEscaped(bytes, start, end) {
      let text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
      for (let attempt = 0; attempt < 6; attempt++) {
        try {
          return JSON.parse(`"${text}"`);
        } catch {
          const slash = text.lastIndexOf("\\");
          if (slash === -1)
            break;
          text = text.slice(0, slash);
        }
      }
      return text;
    }
  }
});

// dist/probes/heap-snapshot.js
var require_heap_snapshot = __commonJS({
  "dist/probes/heap-snapshot.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.heapObjectIdWatermark = heapObjectIdWatermark;
    exports2.heapGraph = heapGraph;
    exports2.forgetHeapObjectIds = forgetHeapObjectIds;
    var heap_snapshot_parser_1 = require_heap_snapshot_parser();
    var inspector_session_1 = require_inspector_session();
    async function heapObjectIdWatermark() {
      const parser = new heap_snapshot_parser_1.HeapSnapshotParser({ idsOnly: true });
      await takeSnapshot(parser);
      return parser.maxHeapObjectId;
    }
    async function heapGraph() {
      const parser = new heap_snapshot_parser_1.HeapSnapshotParser();
      await takeSnapshot(parser);
      return parser.end();
    }
    async function forgetHeapObjectIds() {
      await (0, inspector_session_1.post)("HeapProfiler.disable");
    }
    async function takeSnapshot(parser) {
      let failure;
      const onChunk = (params) => {
        if (failure !== void 0)
          return;
        try {
          parser.write(params.chunk);
        } catch (error) {
          failure = error;
        }
      };
      await (0, inspector_session_1.withEvent)("HeapProfiler.addHeapSnapshotChunk", onChunk, () => (0, inspector_session_1.post)("HeapProfiler.takeHeapSnapshot", { reportProgress: false }));
      if (failure !== void 0)
        throw failure;
    }
  }
});

// dist/probes/constructor-growth.js
var require_constructor_growth = __commonJS({
  "dist/probes/constructor-growth.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.MIN_SHARE = exports2.MAX_GROWTH_TYPES = void 0;
    exports2.newObjects = newObjects;
    exports2.typeName = typeName;
    exports2.constructorGrowth = constructorGrowth;
    var heap_snapshot_parser_1 = require_heap_snapshot_parser();
    exports2.MAX_GROWTH_TYPES = 10;
    var OWN_READER = "HeapSnapshotParser";
    exports2.MIN_SHARE = 5e-3;
    var BACKING_STORE = "system / JSArrayBufferData";
    function newObjects(graph, watermark) {
      const fresh = new Uint8Array(graph.nodeCount);
      const { nodeId } = graph;
      for (let node = 0; node < graph.nodeCount; node++) {
        const id = nodeId[node];
        if (id > watermark && (0, heap_snapshot_parser_1.isHeapObjectId)(id))
          fresh[node] = 1;
      }
      unmarkOwnReader(graph, fresh);
      return fresh;
    }
    function unmarkOwnReader(graph, fresh) {
      const objectType = graph.nodeTypes.indexOf("object");
      const stack = [];
      for (let node = 0; node < graph.nodeCount; node++) {
        if (fresh[node] && graph.nodeType[node] === objectType && graph.string(graph.nodeName[node]) === OWN_READER)
          stack.push(node);
      }
      while (stack.length > 0) {
        const node = stack.pop();
        if (!fresh[node])
          continue;
        fresh[node] = 0;
        for (let edge = graph.firstEdge[node]; edge < graph.firstEdge[node + 1]; edge++) {
          const target = graph.edgeTarget[edge];
          if (fresh[target])
            stack.push(target);
        }
      }
    }
    function typeName(graph, node) {
      const type = graph.nodeTypes[graph.nodeType[node]];
      switch (type) {
        case "object": {
          const name = graph.string(graph.nodeName[node]);
          if (name.startsWith("system /"))
            return void 0;
          return name === "" ? "Object" : name;
        }
        case "closure":
          return "Function";
        case "string":
        case "concatenated string":
        case "sliced string":
          return "string";
        case "regexp":
          return "RegExp";
        case "number":
          return "number";
        case "symbol":
          return "Symbol";
        case "bigint":
          return "BigInt";
        default:
          return void 0;
      }
    }
    function constructorGrowth(graph, fresh, max = exports2.MAX_GROWTH_TYPES) {
      const byType = /* @__PURE__ */ new Map();
      const add = (type, count, bytes) => {
        const entry = byType.get(type);
        if (entry) {
          entry.count += count;
          entry.bytes += bytes;
        } else {
          byType.set(type, { type, count, bytes });
        }
      };
      const nativeType = graph.nodeTypes.indexOf("native");
      for (let node = 0; node < graph.nodeCount; node++) {
        if (!fresh[node])
          continue;
        const bytes = graph.nodeSelfSize[node];
        const type = typeName(graph, node);
        if (type !== void 0)
          add(type, 1, bytes);
        else if (graph.nodeType[node] === nativeType && graph.string(graph.nodeName[node]) === BACKING_STORE)
          add("ArrayBuffer", 0, bytes);
      }
      const total = [...byType.values()].reduce((sum, entry) => sum + entry.bytes, 0);
      return [...byType.values()].filter((entry) => entry.count > 0).sort((a, b) => b.bytes - a.bytes || b.count - a.count).filter((entry, index) => index === 0 || entry.bytes >= total * exports2.MIN_SHARE).slice(0, max);
    }
  }
});

// dist/probes/retainer-path.js
var require_retainer_path = __commonJS({
  "dist/probes/retainer-path.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.MAX_STEPS = void 0;
    exports2.retainerPath = retainerPath;
    var constructor_growth_1 = require_constructor_growth();
    exports2.MAX_STEPS = 7;
    var TRANSIENT_ROOTS = /* @__PURE__ */ new Set(["(Stack roots)", "(Handle scope)"]);
    function retainerPath(graph, fresh) {
      const tree = shortestPaths(graph);
      const target = growingObject(graph, fresh, tree);
      if (target === void 0)
        return void 0;
      const chain = [];
      for (let node = target; node > 0; node = tree.parent[node])
        chain.unshift(node);
      return describePath(graph, tree, chain);
    }
    function shortestPaths(graph) {
      const { nodeCount, firstEdge, edgeTarget, edgeType } = graph;
      const parent = new Int32Array(nodeCount).fill(-1);
      const parentEdge = new Uint32Array(nodeCount);
      const order = new Uint32Array(nodeCount);
      let reached = 0;
      let next = 0;
      const weak = graph.edgeTypes.indexOf("weak");
      const shortcut = graph.edgeTypes.indexOf("shortcut");
      const visible = new Uint8Array(graph.edgeTypes.length);
      for (const type of ["property", "element", "context"]) {
        const index = graph.edgeTypes.indexOf(type);
        if (index >= 0)
          visible[index] = 1;
      }
      const visit = (node, from, edge) => {
        if (parent[node] !== -1)
          return;
        parent[node] = from;
        parentEdge[node] = edge;
        order[reached++] = node;
      };
      const expand = () => {
        while (next < reached) {
          const node = order[next++];
          for (let pass = 1; pass >= 0; pass--) {
            for (let edge = firstEdge[node]; edge < firstEdge[node + 1]; edge++) {
              const type = edgeType[edge];
              if (visible[type] !== pass || type === weak || type === shortcut)
                continue;
              visit(edgeTarget[edge], node, edge);
            }
          }
        }
      };
      const ROOT = 0;
      parent[ROOT] = ROOT;
      for (let edge = firstEdge[ROOT]; edge < firstEdge[ROOT + 1]; edge++) {
        if (edgeType[edge] === shortcut)
          visit(edgeTarget[edge], ROOT, edge);
      }
      expand();
      const held = [];
      for (let edge = firstEdge[ROOT]; edge < firstEdge[ROOT + 1]; edge++) {
        const group = edgeTarget[edge];
        if (edgeType[edge] === shortcut || parent[group] !== -1)
          continue;
        visit(group, ROOT, edge);
        for (let inner = firstEdge[group]; inner < firstEdge[group + 1]; inner++) {
          const root = edgeTarget[inner];
          if (parent[root] === -1 && TRANSIENT_ROOTS.has(graph.string(graph.nodeName[root]))) {
            held.push([root, group, inner]);
            parent[root] = -2;
          }
        }
      }
      expand();
      for (const [root, from, edge] of held) {
        parent[root] = -1;
        visit(root, from, edge);
      }
      expand();
      return { parent, parentEdge, order, reached };
    }
    function growingObject(graph, fresh, tree) {
      const { parent, order, reached } = tree;
      const bytes = new Float64Array(graph.nodeCount);
      for (let i = reached - 1; i >= 0; i--) {
        const node = order[i];
        if (!fresh[node])
          continue;
        bytes[node] += graph.nodeSelfSize[node];
        bytes[parent[node]] += bytes[node];
      }
      const synthetic = graph.nodeTypes.indexOf("synthetic");
      let container = -1;
      for (let i = 0; i < reached; i++) {
        const node = order[i];
        if (fresh[node] || bytes[node] === 0 || graph.nodeType[node] === synthetic || node === 0)
          continue;
        if (container === -1 || bytes[node] > bytes[container])
          container = node;
      }
      if (container === -1)
        return void 0;
      let target = biggestNewChild(graph, fresh, tree, bytes, container);
      for (let depth = 0; target !== void 0 && depth < 3; depth++) {
        const internal = (0, constructor_growth_1.typeName)(graph, target) === void 0;
        if (!internal && newElementCount(graph, fresh, tree, target) < 2)
          break;
        const child = biggestNewChild(graph, fresh, tree, bytes, target);
        if (child === void 0)
          break;
        target = child;
      }
      return target;
    }
    function biggestNewChild(graph, fresh, tree, bytes, node) {
      let best = -1;
      let bestRank = -1;
      for (let edge = graph.firstEdge[node]; edge < graph.firstEdge[node + 1]; edge++) {
        const child = graph.edgeTarget[edge];
        if (!fresh[child] || tree.parent[child] !== node || tree.parentEdge[child] !== edge)
          continue;
        const type = (0, constructor_growth_1.typeName)(graph, child);
        const rank = type === void 0 ? 0 : type === "string" ? 1 : 2;
        if (rank > bestRank || rank === bestRank && bytes[child] > bytes[best]) {
          best = child;
          bestRank = rank;
        }
      }
      return best === -1 ? void 0 : best;
    }
    function newElementCount(graph, fresh, tree, node) {
      const element = graph.edgeTypes.indexOf("element");
      let count = 0;
      for (let edge = graph.firstEdge[node]; edge < graph.firstEdge[node + 1]; edge++) {
        if (graph.edgeType[edge] !== element)
          continue;
        const child = graph.edgeTarget[edge];
        if (fresh[child] && tree.parent[child] === node && ++count >= 2)
          break;
      }
      return count;
    }
    function describePath(graph, tree, chain) {
      const start = pathStart(graph, tree, chain);
      const steps = [];
      let carried = "";
      for (let i = start.index + 1; i < chain.length; i++) {
        const node = chain[i];
        const from = chain[i - 1];
        const edge = tree.parentEdge[node];
        let label = carried + edgeLabel(graph, edge, from);
        carried = "";
        if (isContextObject(graph, node)) {
          continue;
        }
        const type = (0, constructor_growth_1.typeName)(graph, node);
        if (type === void 0 && i < chain.length - 1) {
          carried = label;
          const mapEntry = mapEntryLabel(graph, node, chain[i + 1], tree, from);
          if (mapEntry) {
            steps.push(`${mapEntry} (${(0, constructor_growth_1.typeName)(graph, chain[i + 1]) ?? internalName(graph, chain[i + 1])})`);
            i++;
            carried = "";
          }
          continue;
        }
        label = label === "" ? "" : `${label} `;
        steps.push(`${label}(${type ?? internalName(graph, node)})`);
      }
      const shown = steps.length > exports2.MAX_STEPS ? ["\u2026", ...steps.slice(steps.length - (exports2.MAX_STEPS - 1))] : steps;
      return [start.label, ...shown];
    }
    function pathStart(graph, tree, chain) {
      for (let i = chain.length - 2; i >= 0; i--) {
        const node = chain[i];
        const exportsOf = i + 2 < chain.length ? moduleExportsFile(graph, tree, node, chain[i + 1]) : void 0;
        if (exportsOf !== void 0)
          return { index: i + 1, label: `(exports) ${exportsOf}` };
        if (isGlobalObject(graph, node))
          return { index: i, label: "globalThis" };
        if (isProcessObject(graph, node))
          return { index: i, label: "process" };
        if (isContextObject(graph, node) && i > 0) {
          const file = scriptOf(graph, chain[i - 1]);
          if (file === void 0)
            continue;
          const scope = isModuleScope(graph, node) ? "module scope" : "closure scope";
          return { index: i, label: `(${scope}) ${file}` };
        }
      }
      const first = chain[0];
      const root = graph.string(graph.nodeName[first]) || "(GC roots)";
      return { index: 0, label: root };
    }
    function edgeLabel(graph, edge, from) {
      const type = graph.edgeTypes[graph.edgeType[edge]];
      const value = graph.edgeNameOrIndex[edge];
      switch (type) {
        case "element":
        case "hidden":
          return `[${value}]`;
        case "property": {
          const name = graph.string(value);
          return isIdentifier(name) || name.startsWith("<symbol") ? name : `[${JSON.stringify(name)}]`;
        }
        case "internal": {
          const name = graph.string(value);
          if (name === "context" && graph.nodeTypes[graph.nodeType[from]] === "closure")
            return "";
          return /^\d+$/.test(name) ? `[${name}]` : name;
        }
        default:
          return graph.string(value);
      }
    }
    function mapEntryLabel(graph, table, value, tree, owner) {
      if (graph.string(graph.nodeName[owner]) !== "Map")
        return void 0;
      const tableEdge = tree.parentEdge[table];
      if (graph.string(graph.edgeNameOrIndex[tableEdge]) !== "table")
        return void 0;
      const valueEdge = tree.parentEdge[value];
      const slot = Number(graph.string(graph.edgeNameOrIndex[valueEdge]));
      if (!Number.isInteger(slot))
        return void 0;
      for (let edge = graph.firstEdge[table]; edge < graph.firstEdge[table + 1]; edge++) {
        if (graph.string(graph.edgeNameOrIndex[edge]) !== String(slot - 1))
          continue;
        const key = graph.edgeTarget[edge];
        if ((0, constructor_growth_1.typeName)(graph, key) !== "string")
          return void 0;
        return `get(${JSON.stringify(truncate(graph.string(graph.nodeName[key]), 40))})`;
      }
      return void 0;
    }
    function moduleExportsFile(graph, tree, node, next) {
      if (graph.nodeTypes[graph.nodeType[node]] !== "object" || graph.string(graph.nodeName[node]) !== "Module")
        return void 0;
      const edge = tree.parentEdge[next];
      if (graph.edgeTypes[graph.edgeType[edge]] !== "property" || graph.string(graph.edgeNameOrIndex[edge]) !== "exports")
        return void 0;
      const filename = namedTarget(graph, node, ["filename", "id"]);
      const file = filename === void 0 ? "" : graph.string(graph.nodeName[filename]);
      return file === "" ? void 0 : file;
    }
    function scriptOf(graph, closure) {
      if (graph.nodeTypes[graph.nodeType[closure]] !== "closure")
        return void 0;
      const shared = namedTarget(graph, closure, ["shared"]);
      const script = shared === void 0 ? void 0 : namedTarget(graph, shared, ["script", "script_or_debug_info"]);
      if (script === void 0)
        return void 0;
      const name = graph.string(graph.nodeName[script]);
      return name === "" || name.startsWith("system /") ? void 0 : name;
    }
    var WRAPPER_VARIABLES = /* @__PURE__ */ new Set(["exports", "require", "module", "__filename", "__dirname"]);
    function isModuleScope(graph, context) {
      const previous = namedTarget(graph, context, ["previous"]);
      if (previous === void 0)
        return false;
      if (isNativeContext(graph, previous))
        return true;
      if (!isContextObject(graph, previous))
        return false;
      const outer = namedTarget(graph, previous, ["previous"]);
      if (outer === void 0 || !isNativeContext(graph, outer))
        return false;
      for (let edge = graph.firstEdge[previous]; edge < graph.firstEdge[previous + 1]; edge++) {
        if (graph.edgeTypes[graph.edgeType[edge]] === "context" && !WRAPPER_VARIABLES.has(graph.string(graph.edgeNameOrIndex[edge])))
          return false;
      }
      return true;
    }
    function isNativeContext(graph, node) {
      return graph.string(graph.nodeName[node]).includes("NativeContext");
    }
    function isContextObject(graph, node) {
      return graph.string(graph.nodeName[node]) === "system / Context";
    }
    function isProcessObject(graph, node) {
      return graph.nodeTypes[graph.nodeType[node]] === "object" && graph.string(graph.nodeName[node]) === "process";
    }
    function isGlobalObject(graph, node) {
      return graph.nodeTypes[graph.nodeType[node]] === "object" && /^global( \/|$)/.test(graph.string(graph.nodeName[node]));
    }
    function namedTarget(graph, node, names) {
      for (let edge = graph.firstEdge[node]; edge < graph.firstEdge[node + 1]; edge++) {
        const type = graph.edgeTypes[graph.edgeType[edge]];
        if (type === "element" || type === "hidden")
          continue;
        if (names.includes(graph.string(graph.edgeNameOrIndex[edge])))
          return graph.edgeTarget[edge];
      }
      return void 0;
    }
    function internalName(graph, node) {
      const name = graph.string(graph.nodeName[node]);
      if (name.startsWith("system / "))
        return name.slice("system / ".length);
      return name || graph.nodeTypes[graph.nodeType[node]] || "internal";
    }
    function isIdentifier(name) {
      return /^[A-Za-z_$][\w$]*$/.test(name);
    }
    function truncate(text, max) {
      return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
    }
  }
});

// dist/probes/object-growth.js
var require_object_growth = __commonJS({
  "dist/probes/object-growth.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.ObjectGrowthTracker = exports2.AUTO_TIME_BUDGET_MS = exports2.AUTO_MAX_LOOKS = exports2.AUTO_MAX_HEAP_BYTES = exports2.SNAPSHOT_POLICIES = void 0;
    var real_timers_1 = require_real_timers();
    function tools() {
      return {
        ...require_heap_snapshot(),
        ...require_constructor_growth(),
        ...require_retainer_path()
      };
    }
    exports2.SNAPSHOT_POLICIES = ["auto", "always", "never"];
    exports2.AUTO_MAX_HEAP_BYTES = 64 * 1024 * 1024;
    exports2.AUTO_MAX_LOOKS = 1;
    exports2.AUTO_TIME_BUDGET_MS = 15e3;
    var ObjectGrowthTracker = class {
      policy;
      warn;
      looks = 0;
      spentMs = 0;
      lastLookMs = 0;
      warned = false;
      constructor(policy, warn) {
        this.policy = policy;
        this.warn = warn;
      }
      /**
       * Take the first snapshot if a look is due and affordable; the returned function takes
       * the second one and reads both. Undefined: no look this time.
       */
      async begin(likelyLeak) {
        if (!this.affordable(likelyLeak))
          return void 0;
        this.looks++;
        const started = (0, real_timers_1.nowMs)();
        const { heapObjectIdWatermark, forgetHeapObjectIds } = tools();
        let watermark;
        try {
          watermark = await heapObjectIdWatermark();
        } catch (error) {
          this.failed(error);
          await forgetHeapObjectIds().catch(() => void 0);
          return void 0;
        } finally {
          this.lastLookMs = (0, real_timers_1.nowMs)() - started;
          this.spentMs += this.lastLookMs;
        }
        return async () => {
          const resumed = (0, real_timers_1.nowMs)();
          try {
            return await this.read(watermark);
          } catch (error) {
            this.failed(error);
            return void 0;
          } finally {
            const took = (0, real_timers_1.nowMs)() - resumed;
            this.lastLookMs += took;
            this.spentMs += took;
          }
        };
      }
      /** Drop V8's object ids after a look (see forgetHeapObjectIds): after the sampling profile is read. */
      async end() {
        await tools().forgetHeapObjectIds().catch(() => void 0);
      }
      affordable(likelyLeak) {
        if (this.policy === "never" || !likelyLeak)
          return false;
        if (this.policy === "always")
          return true;
        return this.looks < exports2.AUTO_MAX_LOOKS && this.spentMs + this.lastLookMs <= exports2.AUTO_TIME_BUDGET_MS && process.memoryUsage().heapUsed <= exports2.AUTO_MAX_HEAP_BYTES;
      }
      async read(watermark) {
        const { heapGraph, newObjects, constructorGrowth, retainerPath } = tools();
        const graph = await heapGraph();
        const fresh = newObjects(graph, watermark);
        const growthByType = constructorGrowth(graph, fresh);
        const path = growthByType.length > 0 ? retainerPath(graph, fresh) : void 0;
        return path ? { growthByType, retainerPath: path } : { growthByType };
      }
      failed(error) {
        if (this.warned)
          return;
        this.warned = true;
        this.warn(`could not read a heap snapshot, so leaks are shown without what grew and what retains it: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    exports2.ObjectGrowthTracker = ObjectGrowthTracker;
  }
});

// dist/probes/heap.js
var require_heap = __commonJS({
  "dist/probes/heap.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.heapProbe = void 0;
    var v8 = __importStar(require("node:v8"));
    var probe_1 = require_probe();
    var allocation_sites_1 = require_allocation_sites();
    var object_growth_1 = require_object_growth();
    var MiB = 1024 * 1024;
    function collectedHeap() {
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    }
    function screeningHeap() {
      const stats = v8.getHeapStatistics();
      return stats.used_heap_size + stats.external_memory;
    }
    exports2.heapProbe = (0, probe_1.defineProbe)({
      name: "heap",
      unit: "bytes",
      description: "V8 heap used after garbage collection, plus ArrayBuffer/Buffer memory",
      defaultThreshold: 1024 * 1024,
      measuresAfterGc: true,
      options: {
        mode: {
          type: "string",
          enum: ["adaptive", "exact"],
          default: "adaptive",
          description: "adaptive: collect only to confirm a test whose cheap reading grew (fast); exact: full GC before and after every test (slow, for small suites)"
        },
        fileThreshold: {
          type: "size",
          default: "4MiB",
          description: "growth of the heap over all the tests of one file, none of them over threshold, above which the file is reported: small leaks that add up"
        },
        repeats: {
          type: "number",
          default: 2,
          description: "how often a passed test whose heap grew is run again (with its beforeEach/afterEach hooks) to tell a leak (grows every run) from one-time growth (a cache filled on first use); 0: never"
        },
        snapshots: {
          type: "string",
          enum: object_growth_1.SNAPSHOT_POLICIES,
          default: "never",
          description: `heap snapshots around the last repeat of a likely leak, to show which kinds of object grew and the path that retains them; they cost ~4 s and ~+270 MB of RSS at a 25 MB heap, growing with the heap, so they are off by default. auto: only while the heap is under ${object_growth_1.AUTO_MAX_HEAP_BYTES / MiB} MiB, for the first likely leak of the run; always: for every likely leak; never: off`
        }
      },
      hint: 'Memory allocated in this test is still reachable after it ended: look for module-level arrays, maps or caches that the test adds to, and clear them or bound them (an LRU) in afterEach. To see which objects grew and what keeps them, set probes.heap.snapshots to "auto".',
      create: ({ options, warn }) => {
        const objects = new object_growth_1.ObjectGrowthTracker(options.snapshots ?? "never", warn);
        return {
          sample: (context) => context?.collected ? collectedHeap() : screeningHeap(),
          track: async (trackOptions) => {
            const endLook = await objects.begin(trackOptions?.likelyLeak ?? false);
            let stopSampling;
            try {
              stopSampling = await (0, allocation_sites_1.trackAllocations)();
            } catch (error) {
              if (endLook)
                await objects.end();
              throw error;
            }
            return async ({ discard = false } = {}) => {
              const growth = endLook && !discard ? await endLook() : void 0;
              try {
                const items = await stopSampling({ discard });
                return growth ? { items, ...growth } : items;
              } finally {
                if (endLook)
                  await objects.end();
              }
            };
          }
        };
      }
    });
  }
});

// dist/probes/listener-sites.js
var require_listener_sites = __commonJS({
  "dist/probes/listener-sites.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.isListenerSource = isListenerSource;
    exports2.trackListenerSites = trackListenerSites;
    exports2.listenerSite = listenerSite;
    exports2.countedListeners = countedListeners;
    exports2.unwrapped = unwrapped;
    var real_timers_1 = require_real_timers();
    var stack_frames_1 = require_stack_frames();
    var ADD_METHODS = ["on", "addListener", "prependListener", "once", "prependOnceListener"];
    var REMOVE_METHODS = ["removeListener", "off"];
    var SWAPPED_EVENTS = /* @__PURE__ */ new Set(["uncaughtException", "unhandledRejection"]);
    var WRAPPED = /* @__PURE__ */ Symbol.for("leakguard.listenerSites");
    var sites = /* @__PURE__ */ new WeakMap();
    var preexisting = /* @__PURE__ */ new WeakSet();
    var standIns = /* @__PURE__ */ new WeakSet();
    var lastRead = /* @__PURE__ */ new WeakMap();
    var step;
    var adding = false;
    function isListenerSource(value) {
      const candidate = value;
      return (typeof candidate === "object" || typeof candidate === "function") && candidate !== null && typeof candidate.eventNames === "function" && typeof candidate.rawListeners === "function";
    }
    function trackListenerSites(emitter, { withSwaps = false } = {}) {
      const target = emitter;
      if (target[WRAPPED])
        return;
      Object.defineProperty(target, WRAPPED, { value: true, enumerable: false, configurable: true });
      for (const name of ADD_METHODS)
        wrapAdd(target, name);
      if (!withSwaps)
        return;
      for (const event of SWAPPED_EVENTS) {
        const listeners = emitter.listeners(event);
        for (const listener of listeners)
          preexisting.add(listener);
        remember(emitter, event, listeners);
      }
      for (const name of REMOVE_METHODS)
        wrapRemove(target, name);
      wrapRead(target, "listeners");
    }
    function listenerSite(listener) {
      return sites.get(unwrapped(listener));
    }
    function countedListeners(emitter, event, raw) {
      if (!SWAPPED_EVENTS.has(event))
        return raw;
      const read = lastRead.get(emitter)?.get(event);
      if (read && raw.some(isStandIn) && !raw.some((listener) => read.includes(unwrapped(listener)))) {
        return [...read, ...raw.filter((listener) => !isStandIn(listener))];
      }
      return raw.some((listener) => standIns.has(unwrapped(listener))) ? raw.filter((listener) => !standIns.has(unwrapped(listener))) : raw;
    }
    function unwrapped(listener) {
      const original = listener.listener;
      return typeof original === "function" ? original : listener;
    }
    function isStandIn(listener) {
      const original = unwrapped(listener);
      return standIns.has(original) || !sites.has(original) && !preexisting.has(original);
    }
    function remember(emitter, event, listeners) {
      let byEvent = lastRead.get(emitter);
      if (!byEvent)
        lastRead.set(emitter, byEvent = /* @__PURE__ */ new Map());
      byEvent.set(event, [...listeners]);
    }
    function wrapAdd(target, name) {
      const original = target[name];
      if (typeof original !== "function")
        return;
      const wrapped = function(event, listener, ...rest) {
        if (adding || typeof listener !== "function")
          return original.call(this, event, listener, ...rest);
        if (completesSwap(this, event, listener)) {
          standIns.add(listener);
        } else if (!sites.has(listener) && !preexisting.has(listener)) {
          sites.set(listener, (0, stack_frames_1.captureCreationStack)(wrapped));
        }
        adding = true;
        try {
          return original.call(this, event, listener, ...rest);
        } finally {
          adding = false;
        }
      };
      install(target, name, original, wrapped);
    }
    function wrapRemove(target, name) {
      const original = target[name];
      if (typeof original !== "function")
        return;
      const wrapped = function(event, listener, ...rest) {
        const current2 = step;
        if (current2 && current2.emitter === this && current2.event === event && current2.read.includes(listener)) {
          current2.removed.push(listener);
        }
        return original.call(this, event, listener, ...rest);
      };
      install(target, name, original, wrapped);
    }
    function wrapRead(target, name) {
      const original = target[name];
      if (typeof original !== "function")
        return;
      const wrapped = function(event, ...rest) {
        const result = original.call(this, event, ...rest);
        if (SWAPPED_EVENTS.has(event) && Array.isArray(result)) {
          const listeners = result;
          if (listeners.length === 0 || !listeners.every(isStandIn))
            remember(this, event, listeners);
          const current2 = { emitter: this, event, read: [...listeners], removed: [] };
          step = current2;
          void real_timers_1.RealPromise.resolve().then(() => {
            if (step === current2)
              step = void 0;
          });
        }
        return result;
      };
      install(target, name, original, wrapped);
    }
    function install(target, name, original, wrapped) {
      Object.defineProperty(wrapped, "name", { value: original.name });
      Object.defineProperty(wrapped, "length", { value: original.length });
      Object.defineProperty(target, name, { value: wrapped, writable: true, enumerable: false, configurable: true });
    }
    function completesSwap(emitter, event, listener) {
      const current2 = step;
      if (!current2 || current2.emitter !== emitter || current2.event !== event || current2.read.includes(listener))
        return false;
      if (current2.removed.length < current2.read.length || emitter.listenerCount(event) !== 0)
        return false;
      step = void 0;
      return true;
    }
  }
});

// dist/probes/listeners.js
var require_listeners = __commonJS({
  "dist/probes/listeners.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.listenersProbe = void 0;
    var probe_1 = require_probe();
    var stack_frames_1 = require_stack_frames();
    var listener_sites_1 = require_listener_sites();
    exports2.listenersProbe = (0, probe_1.defineProbe)({
      name: "listeners",
      unit: "count",
      description: "event listeners added to process (and to emitters named in config) and not removed",
      defaultThreshold: 0,
      settle: { attempts: 3, maxWaitMs: 50 },
      options: {
        emitters: {
          type: "string[]",
          default: [],
          description: 'other long-lived EventEmitters to watch besides process, as property paths from globalThis: "myBus", "app.events"; each is looked up again at every sample, so one created after start-up is found too'
        }
      },
      hint: (item) => hintFor(item),
      create: createListenersProbe
    });
    function createListenersProbe({ options, warn }) {
      (0, listener_sites_1.trackListenerSites)(process, { withSwaps: true });
      const watched = [{ name: "process", current: process, resolvedOnce: true }];
      for (const name of new Set(options.emitters ?? [])) {
        const path = name.split(".").filter((part) => part !== "");
        if (path.length === 0)
          continue;
        watched.push({ name, path, current: void 0, resolvedOnce: false });
      }
      return {
        sample: () => sampleListeners(watched),
        newItems: (before, after) => newListeners(before.state, after.state),
        dispose: () => {
          if (process.env["MOCHA_WORKER_ID"] !== void 0)
            return;
          for (const emitter of watched) {
            if (emitter.path && !emitter.resolvedOnce) {
              warn(`emitter "${emitter.name}" (probes.listeners.emitters) was never found on globalThis as an EventEmitter; its listeners were not watched`);
            }
          }
        }
      };
    }
    function sampleListeners(watched) {
      const state = { owners: [], events: [], fns: [] };
      const seen = watched.length > 1 ? /* @__PURE__ */ new Set() : void 0;
      for (const emitter of watched) {
        const source = emitter.path ? resolveEmitter(emitter) : emitter.current;
        if (!(0, listener_sites_1.isListenerSource)(source) || seen?.has(source))
          continue;
        seen?.add(source);
        readListeners(emitter.name, source, state);
      }
      return { value: state.fns.length, state };
    }
    function readListeners(owner, source, state) {
      for (const event of source.eventNames()) {
        for (const fn of (0, listener_sites_1.countedListeners)(source, event, source.rawListeners(event))) {
          state.owners.push(owner);
          state.events.push(event);
          state.fns.push(fn);
        }
      }
    }
    function resolveEmitter(emitter) {
      let value = globalThis;
      for (const part of emitter.path) {
        if (typeof value !== "object" && typeof value !== "function" || value === null)
          return void 0;
        try {
          value = value[part];
        } catch {
          return void 0;
        }
      }
      if (!(0, listener_sites_1.isListenerSource)(value))
        return void 0;
      if (value !== emitter.current) {
        emitter.current = value;
        emitter.resolvedOnce = true;
        (0, listener_sites_1.trackListenerSites)(value);
      }
      return value;
    }
    function newListeners(before, after) {
      if (sameListeners(before, after))
        return [];
      const had = /* @__PURE__ */ new Map();
      for (let i = 0; i < before.fns.length; i++) {
        const fn = (0, listener_sites_1.unwrapped)(before.fns[i]);
        const keys = had.get(fn) ?? [];
        keys.push(slotKey(before.owners[i], before.events[i]));
        had.set(fn, keys);
      }
      const items = [];
      const ids = /* @__PURE__ */ new Set();
      for (let i = 0; i < after.fns.length; i++) {
        const fn = after.fns[i];
        const owner = after.owners[i];
        const event = after.events[i];
        const keys = had.get((0, listener_sites_1.unwrapped)(fn));
        const at = keys?.indexOf(slotKey(owner, event)) ?? -1;
        if (at >= 0) {
          keys.splice(at, 1);
          continue;
        }
        const item = listenerItem(owner, event, fn);
        for (let n = 2; ids.has(item.id); n++)
          item.id = `${item.id.replace(/#\d+$/, "")}#${n}`;
        ids.add(item.id);
        items.push(item);
      }
      return items;
    }
    function sameListeners(before, after) {
      const { fns } = after;
      if (fns.length !== before.fns.length)
        return false;
      for (let i = 0; i < fns.length; i++) {
        if (fns[i] !== before.fns[i] || after.events[i] !== before.events[i] || after.owners[i] !== before.owners[i])
          return false;
      }
      return true;
    }
    function slotKey(owner, event) {
      return `${owner}\0${String(event)}`;
    }
    function listenerItem(owner, event, fn) {
      const original = (0, listener_sites_1.unwrapped)(fn);
      const eventName = typeof event === "symbol" ? event.toString() : JSON.stringify(event);
      const once = original !== fn ? "once " : "";
      const named2 = original.name ? ` (${original.name})` : "";
      const item = {
        id: `listener:${owner}:${String(event)}:${functionId(original)}`,
        type: String(event),
        label: `${once}${eventName} listener on ${owner}${named2}`,
        emitter: owner,
        event: String(event)
      };
      const stack = (0, stack_frames_1.stackLocations)((0, listener_sites_1.listenerSite)(fn));
      if (stack.length > 0)
        item.stack = stack;
      return item;
    }
    var functionIds = /* @__PURE__ */ new WeakMap();
    var nextFunctionId = 1;
    function functionId(fn) {
      let id = functionIds.get(fn);
      if (id === void 0) {
        id = nextFunctionId++;
        functionIds.set(fn, id);
      }
      return id;
    }
    function hintFor(item) {
      const emitter = typeof item?.["emitter"] === "string" ? item["emitter"] : "the emitter";
      const event = typeof item?.["event"] === "string" ? item["event"] : "event";
      return `A listener was added to ${emitter} in this test and never removed: it stays attached for the rest of the run, keeps alive everything it refers to, and still runs on every "${event}". Keep a reference to the function and remove it in afterEach (${emitter}.off('${event}', listener)), or use once() if it should run once.`;
    }
  }
});

// dist/probes/rss.js
var require_rss = __commonJS({
  "dist/probes/rss.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.rssProbe = void 0;
    var probe_1 = require_probe();
    exports2.rssProbe = (0, probe_1.defineProbe)({
      name: "rss",
      unit: "bytes",
      description: "resident set size of the process (noisy: off by default)",
      defaultThreshold: 32 * 1024 * 1024,
      enabledByDefault: false,
      hint: "The process kept more memory after this test. If the heap probe found nothing, look for native allocations (addons, large Buffers held by native code).",
      create: () => ({ sample: () => process.memoryUsage.rss() })
    });
  }
});

// dist/probes/dir-listing.js
var require_dir_listing = __commonJS({
  "dist/probes/dir-listing.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.DirListing = void 0;
    var node_fs_1 = require("node:fs");
    var real_timers_1 = require_real_timers();
    var TICK_NS = 20000000n;
    var SECOND_NS = 1000000000n;
    var DirListing = class {
      dir;
      names = /* @__PURE__ */ new Set();
      stamp;
      /**
       * The last read happened so soon after the directory's latest change that a further
       * change could carry the same time: the times cannot be trusted until they are older.
       */
      racy = true;
      constructor(dir) {
        this.dir = dir;
      }
      /** The entry names: the same Set as last time when nothing changed. Throws when the directory cannot be read. */
      read() {
        const stats = (0, node_fs_1.statSync)(this.dir, { bigint: true });
        if (!this.racy && this.unchanged(stats))
          return this.names;
        const listedAtNs = BigInt((0, real_timers_1.wallClock)().getTime()) * 1000000n;
        const names = (0, node_fs_1.readdirSync)(this.dir);
        if (!sameNames(this.names, names))
          this.names = new Set(names);
        this.stamp = { mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, ino: stats.ino };
        const changedAtNs = stats.mtimeNs > stats.ctimeNs ? stats.mtimeNs : stats.ctimeNs;
        this.racy = changedAtNs >= listedAtNs - racyWindowNs(stats.mtimeNs);
        return this.names;
      }
      unchanged(stats) {
        const stamp = this.stamp;
        return stamp !== void 0 && stats.mtimeNs === stamp.mtimeNs && stats.ctimeNs === stamp.ctimeNs && stats.ino === stamp.ino;
      }
    };
    exports2.DirListing = DirListing;
    function sameNames(known, names) {
      return known.size === names.length && names.every((name) => known.has(name));
    }
    function racyWindowNs(mtimeNs) {
      return mtimeNs % SECOND_NS === 0n ? 2n * SECOND_NS + TICK_NS : TICK_NS;
    }
  }
});

// dist/probes/temp-creations.js
var require_temp_creations = __commonJS({
  "dist/probes/temp-creations.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.ownChanges = ownChanges;
    exports2.noteCreationsUnder = noteCreationsUnder;
    exports2.isOwnEntry = isOwnEntry;
    exports2.forgetEntriesNotIn = forgetEntriesNotIn;
    var node_module_1 = require("node:module");
    var path = __importStar(require("node:path"));
    var node_url_1 = require("node:url");
    var fs = require("node:fs");
    var watched = [];
    var ownEntries = /* @__PURE__ */ new Set();
    var installed = false;
    var changes = 0;
    function ownChanges() {
      return changes;
    }
    function noteCreationsUnder(dirs) {
      for (const dir of dirs) {
        const prefix = path.resolve(dir) + path.sep;
        if (!watched.includes(prefix))
          watched.push(prefix);
      }
      install();
    }
    function isOwnEntry(entryPath) {
      return ownEntries.has(entryPath);
    }
    function forgetEntriesNotIn(present) {
      for (const entry of ownEntries)
        if (!present(entry))
          ownEntries.delete(entry);
    }
    function note(target, creates = true) {
      const file = toPath(target);
      if (file === void 0)
        return;
      const absolute = path.resolve(file);
      for (const prefix of watched) {
        if (absolute + path.sep === prefix)
          changes++;
        if (!absolute.startsWith(prefix))
          continue;
        const top = absolute.slice(prefix.length).split(path.sep)[0];
        if (top && creates)
          ownEntries.add(prefix + top);
        changes++;
      }
    }
    function noteRemoval(target) {
      note(target, false);
    }
    function toPath(target) {
      if (typeof target === "string")
        return target;
      if (target instanceof URL)
        return target.protocol === "file:" ? (0, node_url_1.fileURLToPath)(target) : void 0;
      if (Buffer.isBuffer(target))
        return target.toString();
      return void 0;
    }
    var REMOVING = [
      ["rm", 0],
      ["rmdir", 0],
      ["unlink", 0],
      ["rename", 0]
    ];
    var CREATING = [
      ["mkdir", 0],
      ["open", 0],
      ["writeFile", 0],
      ["appendFile", 0],
      ["copyFile", 1],
      ["cp", 1],
      ["rename", 1],
      ["symlink", 1],
      ["link", 1],
      ["createWriteStream", 0]
    ];
    function install() {
      if (installed)
        return;
      installed = true;
      const fsFunctions = fs;
      const promises = fs.promises;
      for (const [list, noteIt] of [
        [REMOVING, noteRemoval],
        [CREATING, note]
      ]) {
        for (const [name, index] of list) {
          wrapArgument(fsFunctions, name, index, noteIt);
          wrapArgument(fsFunctions, `${name}Sync`, index, noteIt);
          wrapArgument(promises, name, index, noteIt);
        }
      }
      const mkdtempSync = fs.mkdtempSync;
      fsFunctions.mkdtempSync = function mkdtempSyncNoted(...args) {
        const created = mkdtempSync.apply(this, args);
        note(created);
        return created;
      };
      const mkdtemp = fs.mkdtemp;
      fsFunctions.mkdtemp = function mkdtempNoted(...args) {
        const callback = args.at(-1);
        if (typeof callback === "function") {
          args[args.length - 1] = function created(error, folder) {
            if (!error)
              note(folder);
            return callback.call(this, error, folder);
          };
        }
        return mkdtemp.apply(this, args);
      };
      const mkdtempPromise = fs.promises.mkdtemp;
      promises.mkdtemp = async function mkdtempPromiseNoted(...args) {
        const created = await mkdtempPromise.apply(this, args);
        note(created);
        return created;
      };
      (0, node_module_1.syncBuiltinESMExports)();
    }
    function wrapArgument(target, name, index, noteIt) {
      const original = target[name];
      if (typeof original !== "function")
        return;
      const wrapped = function(...args) {
        noteIt(args[index]);
        return original.apply(this, args);
      };
      Object.defineProperty(wrapped, "name", { value: original.name });
      Object.defineProperty(wrapped, "length", { value: original.length });
      target[name] = wrapped;
    }
  }
});

// dist/probes/tmpdir.js
var require_tmpdir = __commonJS({
  "dist/probes/tmpdir.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.tmpdirProbe = void 0;
    var node_fs_1 = require("node:fs");
    var promises_1 = require("node:fs/promises");
    var node_os_1 = require("node:os");
    var node_path_1 = require("node:path");
    var probe_1 = require_probe();
    var real_timers_1 = require_real_timers();
    var dir_listing_1 = require_dir_listing();
    var patterns_1 = require_patterns();
    var temp_creations_1 = require_temp_creations();
    var ALWAYS_IGNORED = ["tsx-*", "node-compile-cache"];
    var EMPTY = /* @__PURE__ */ new Set();
    exports2.tmpdirProbe = (0, probe_1.defineProbe)({
      name: "tmpdir",
      unit: "count",
      description: "files and directories left in the temp dir",
      defaultThreshold: 0,
      settle: { attempts: 3, maxWaitMs: 50 },
      options: {
        dirs: {
          type: "string[]",
          description: "directories whose top-level entries are watched (default: the OS temp dir, os.tmpdir()); relative paths resolve against the config file's directory"
        },
        ignore: {
          type: "string[]",
          default: [],
          description: 'entry names not to report; * matches any characters ("tsx-*", "*.lock"); added to the built-in list'
        },
        otherProcesses: {
          type: "boolean",
          default: false,
          description: "also report entries this process did not create through fs (made by child processes, or by other programs sharing the temp dir, such as parallel Mocha workers)"
        }
      },
      hint: "A temp file/dir was created in this test and not removed. Remove it in afterEach (fs.rmSync(dir, { recursive: true, force: true })).",
      create: createTmpdirProbe
    });
    function createTmpdirProbe(context) {
      const dirs = readableDirs(context);
      if (dirs.length === 0) {
        context.warn("no directory to watch can be read; probe switched off");
        return null;
      }
      const ignored = (0, patterns_1.anyOf)([...ALWAYS_IGNORED, ...context.options.ignore ?? []].map(patterns_1.globMatcher));
      (0, temp_creations_1.noteCreationsUnder)(dirs.map((watched) => watched.listing.dir));
      const whose = context.options.otherProcesses ? () => true : temp_creations_1.isOwnEntry;
      let last;
      const sample = () => {
        if (last && !context.options.otherProcesses && last.changes === (0, temp_creations_1.ownChanges)())
          return last.reading;
        const changes = (0, temp_creations_1.ownChanges)();
        const reading = sampleDirs(dirs, context.warn);
        last = { changes, reading };
        return reading;
      };
      return {
        sample,
        newItems: (before, after) => newEntries(dirs, before, after, ignored).filter((item) => whose(item.path)),
        describe: (items) => real_timers_1.RealPromise.all(items.map(describeEntry))
      };
    }
    function readableDirs({ options, rootDir, warn }) {
      const paths = new Set((options.dirs ?? [(0, node_os_1.tmpdir)()]).map((dir) => (0, node_path_1.resolve)(rootDir, dir)));
      const watched = [];
      for (const dir of paths) {
        const listing = new dir_listing_1.DirListing(dir);
        try {
          listing.read();
          watched.push({ listing, warned: false });
        } catch (error) {
          warn(`cannot read ${dir} (${errorCode(error)}); not watching it`);
        }
      }
      return watched;
    }
    function sampleDirs(dirs, warn) {
      const listings = dirs.map((watched) => readOrEmpty(watched, warn));
      if (listings.some((names, i) => names !== dirs[i].lastSeen)) {
        (0, temp_creations_1.forgetEntriesNotIn)((entry) => dirs.some((watched, i) => (0, node_path_1.dirname)(entry) === watched.listing.dir && listings[i].has((0, node_path_1.basename)(entry))));
        listings.forEach((names, i) => dirs[i].lastSeen = names);
      }
      let value = 0;
      for (const names of listings)
        value += names.size;
      return {
        value,
        state: listings,
        // Built only when asked, as 100,000 entries are too many objects to make on every
        // sample: the engine reads items only to judge what a `before all` hook created.
        get items() {
          return listings.flatMap((names, i) => [...names].map((name) => {
            const path = (0, node_path_1.join)(dirs[i].listing.dir, name);
            return { id: path, label: path, path };
          }));
        }
      };
    }
    function readOrEmpty(watched, warn) {
      try {
        return watched.listing.read();
      } catch (error) {
        if (!watched.warned) {
          watched.warned = true;
          warn(`cannot read ${watched.listing.dir} (${errorCode(error)}); counting it as empty while it cannot be read`);
        }
        return EMPTY;
      }
    }
    function newEntries(dirs, before, after, ignored) {
      const was = listingsOf(before);
      const items = [];
      listingsOf(after).forEach((names, i) => {
        const old = was[i];
        if (names === old)
          return;
        for (const name of names) {
          if (old?.has(name) || ignored(name))
            continue;
          const item = entryItem((0, node_path_1.join)(dirs[i].listing.dir, name));
          if (item)
            items.push(item);
        }
      });
      return items;
    }
    function listingsOf(reading) {
      return reading.state;
    }
    function entryItem(path) {
      try {
        return { id: path, label: path, path, type: entryType((0, node_fs_1.lstatSync)(path)) };
      } catch {
        return void 0;
      }
    }
    function entryType(stats) {
      if (stats.isFile())
        return "file";
      return stats.isDirectory() ? "dir" : "other";
    }
    async function describeEntry(item) {
      if (item.type === "dir") {
        const { files, size } = await directoryTotals(item.path);
        return { ...item, size, files, label: `${item.path}/ with ${files} ${files === 1 ? "file" : "files"}` };
      }
      if (item.type !== "file")
        return item;
      try {
        return { ...item, size: (await (0, promises_1.stat)(item.path)).size };
      } catch {
        return item;
      }
    }
    async function directoryTotals(dir) {
      const fg = require("fast-glob");
      const entries = await fg("**", {
        cwd: dir,
        stats: true,
        dot: true,
        onlyFiles: true,
        followSymbolicLinks: false,
        suppressErrors: true
      });
      let size = 0;
      for (const entry of entries)
        size += entry.stats?.size ?? 0;
      return { files: entries.length, size };
    }
    function errorCode(error) {
      return error?.code ?? String(error);
    }
  }
});

// dist/probes/index.js
var require_probes = __commonJS({
  "dist/probes/index.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.tmpdirProbe = exports2.rssProbe = exports2.listenersProbe = exports2.heapProbe = exports2.handlesProbe = exports2.globalsProbe = exports2.fdsProbe = exports2.envProbe = exports2.childrenProbe = exports2.builtinProbes = void 0;
    var children_1 = require_children();
    Object.defineProperty(exports2, "childrenProbe", { enumerable: true, get: function() {
      return children_1.childrenProbe;
    } });
    var env_1 = require_env();
    Object.defineProperty(exports2, "envProbe", { enumerable: true, get: function() {
      return env_1.envProbe;
    } });
    var fds_1 = require_fds();
    Object.defineProperty(exports2, "fdsProbe", { enumerable: true, get: function() {
      return fds_1.fdsProbe;
    } });
    var globals_1 = require_globals();
    Object.defineProperty(exports2, "globalsProbe", { enumerable: true, get: function() {
      return globals_1.globalsProbe;
    } });
    var handles_1 = require_handles();
    Object.defineProperty(exports2, "handlesProbe", { enumerable: true, get: function() {
      return handles_1.handlesProbe;
    } });
    var heap_1 = require_heap();
    Object.defineProperty(exports2, "heapProbe", { enumerable: true, get: function() {
      return heap_1.heapProbe;
    } });
    var listeners_1 = require_listeners();
    Object.defineProperty(exports2, "listenersProbe", { enumerable: true, get: function() {
      return listeners_1.listenersProbe;
    } });
    var rss_1 = require_rss();
    Object.defineProperty(exports2, "rssProbe", { enumerable: true, get: function() {
      return rss_1.rssProbe;
    } });
    var tmpdir_1 = require_tmpdir();
    Object.defineProperty(exports2, "tmpdirProbe", { enumerable: true, get: function() {
      return tmpdir_1.tmpdirProbe;
    } });
    exports2.builtinProbes = [
      heap_1.heapProbe,
      rss_1.rssProbe,
      fds_1.fdsProbe,
      handles_1.handlesProbe,
      tmpdir_1.tmpdirProbe,
      listeners_1.listenersProbe,
      globals_1.globalsProbe,
      children_1.childrenProbe,
      env_1.envProbe
    ];
  }
});

// dist/config/plugins.js
var require_plugins = __commonJS({
  "dist/config/plugins.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.loadPlugins = loadPlugins;
    var path = __importStar(require("node:path"));
    var probes_1 = require_probes();
    var errors_1 = require_errors();
    var load_module_1 = require_load_module();
    var MAX_DEFAULT_DEPTH = 3;
    async function loadPlugins(paths, rootDir, filepath) {
      const loaded = [];
      const owners = new Map(probes_1.builtinProbes.map((probe) => [probe.name, "a built-in probe"]));
      for (const [index, specifier] of paths.entries()) {
        const fail = (detail, cause) => {
          throw new errors_1.ConfigError(`plugin "${specifier}": ${detail}`, { filepath, key: `plugins[${index}]`, cause });
        };
        for (const definition of await loadPlugin(specifier, rootDir, fail)) {
          const owner = owners.get(definition.name);
          if (owner !== void 0)
            fail(`probe name "${definition.name}" is already taken by ${owner}; rename the probe`);
          owners.set(definition.name, `plugin "${specifier}"`);
          loaded.push(definition);
        }
      }
      return loaded;
    }
    async function loadPlugin(specifier, rootDir, fail) {
      let modulePath;
      try {
        modulePath = resolvePlugin(specifier, rootDir);
      } catch (error) {
        return fail(`cannot resolve: ${errorText(error)}`, error);
      }
      if (modulePath === void 0)
        return fail(`cannot find module (looked from ${rootDir})`);
      let exported;
      try {
        exported = await (0, load_module_1.loadModule)(modulePath);
      } catch (error) {
        return fail(`threw while loading: ${errorText(error)}`, error);
      }
      const definitions = definitionsIn((0, load_module_1.mainExport)(exported));
      return typeof definitions === "string" ? fail(`exports no usable probe definition: ${definitions}`) : definitions;
    }
    function resolvePlugin(specifier, rootDir) {
      const asFile = () => tryResolve(path.resolve(rootDir, specifier));
      if (path.isAbsolute(specifier) || /^\.\.?(?:[\\/]|$)/.test(specifier))
        return asFile();
      return tryResolve(specifier, rootDir) ?? asFile();
    }
    function tryResolve(request, from) {
      try {
        return require.resolve(request, from === void 0 ? void 0 : { paths: [from] });
      } catch (error) {
        if (error.code === "MODULE_NOT_FOUND")
          return void 0;
        throw error;
      }
    }
    function definitionsIn(exported, depth = 0) {
      if (Array.isArray(exported))
        return definitionArray(exported);
      const problem = definitionProblem(exported);
      if (problem === void 0)
        return [exported];
      if (isObject(exported) && "default" in exported && depth < MAX_DEFAULT_DEPTH) {
        return definitionsIn(exported.default, depth + 1);
      }
      return problem;
    }
    function definitionArray(items) {
      if (items.length === 0)
        return "it exports an empty array";
      for (const [index, item] of items.entries()) {
        const problem = definitionProblem(item);
        if (problem !== void 0)
          return `item ${index} of its array: ${problem}`;
      }
      return items;
    }
    function definitionProblem(value) {
      if (value === void 0 || isObject(value) && Object.keys(value).length === 0) {
        return "it exports nothing (expected a probe definition, or an array of them)";
      }
      if (!isObject(value))
        return `expected a probe definition (an object), got ${(0, errors_1.describeValue)(value)}`;
      const { name, unit, defaultThreshold, create, options } = value;
      if (typeof name !== "string" || name === "")
        return `"name" must be a non-empty string, got ${(0, errors_1.describeValue)(name)}`;
      const where = `probe "${name}"`;
      if (unit !== "bytes" && unit !== "count")
        return `${where}: "unit" must be "bytes" or "count", got ${(0, errors_1.describeValue)(unit)}`;
      if (typeof defaultThreshold !== "number" || !Number.isFinite(defaultThreshold) || defaultThreshold < 0) {
        return `${where}: "defaultThreshold" must be a number >= 0, got ${(0, errors_1.describeValue)(defaultThreshold)}`;
      }
      if (typeof create !== "function")
        return `${where}: "create" must be a function, got ${(0, errors_1.describeValue)(create)}`;
      if (options !== void 0 && !isObject(options)) {
        return `${where}: "options" must be an object of option specs, got ${(0, errors_1.describeValue)(options)}`;
      }
      return void 0;
    }
    function errorText(error) {
      return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    function isObject(value) {
      return typeof value === "object" && value !== null && !Array.isArray(value);
    }
  }
});

// dist/core/thresholds.js
var require_thresholds = __commonJS({
  "dist/core/thresholds.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.ThresholdError = exports2.BYTE_UNIT_NAMES = void 0;
    exports2.parseThreshold = parseThreshold;
    exports2.formatValue = formatValue;
    exports2.formatBytes = formatBytes;
    var BYTE_UNITS = {
      b: 1,
      kb: 1e3,
      mb: 1e6,
      gb: 1e9,
      kib: 1024,
      mib: 1024 ** 2,
      gib: 1024 ** 3
    };
    exports2.BYTE_UNIT_NAMES = ["B", "KB", "MB", "GB", "KiB", "MiB", "GiB"];
    var ThresholdError = class extends Error {
    };
    exports2.ThresholdError = ThresholdError;
    function parseThreshold(input, unit) {
      if (typeof input === "number") {
        if (!Number.isFinite(input) || input < 0) {
          throw new ThresholdError(`must be a finite number >= 0, got ${String(input)}`);
        }
        return input;
      }
      if (typeof input !== "string") {
        throw new ThresholdError(`must be a number or a string with a unit, got ${describeType(input)}`);
      }
      const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(input);
      if (!match) {
        throw new ThresholdError(`"${input}" is not a size: write a number and a unit, like "1MB" or "512KiB"`);
      }
      const [, amount, unitName = ""] = match;
      if (unitName === "") {
        throw new ThresholdError(`"${input}" has no unit: write a number (${unit === "bytes" ? "bytes" : "a count"}) or a size like "1MB"`);
      }
      if (unit !== "bytes") {
        throw new ThresholdError(`"${input}" is a size, but this probe counts things: write a plain number`);
      }
      const factor = BYTE_UNITS[unitName.toLowerCase()];
      if (factor === void 0) {
        throw new ThresholdError(`"${input}": unknown unit "${unitName}" (use one of ${exports2.BYTE_UNIT_NAMES.join(", ")})`);
      }
      return Math.round(Number(amount) * factor);
    }
    function formatValue(value, unit) {
      return unit === "bytes" ? formatBytes(value) : String(value);
    }
    function formatBytes(bytes) {
      const sign = bytes < 0 ? "-" : "";
      let size = Math.abs(bytes);
      if (size < 1024)
        return `${sign}${size} B`;
      for (const name of ["KiB", "MiB", "GiB", "TiB"]) {
        size /= 1024;
        if (size < 1024 || name === "TiB") {
          return `${sign}${size < 10 ? size.toFixed(1) : Math.round(size)} ${name}`;
        }
      }
      return `${sign}${size} B`;
    }
    function describeType(value) {
      if (value === null)
        return "null";
      if (Array.isArray(value))
        return "an array";
      return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
    }
  }
});

// dist/config/suggest.js
var require_suggest = __commonJS({
  "dist/config/suggest.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.editDistance = editDistance;
    exports2.nearest = nearest;
    exports2.didYouMean = didYouMean;
    function editDistance(a, b) {
      const s = a.toLowerCase();
      const t = b.toLowerCase();
      const rows = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_2, j) => i === 0 ? j : j === 0 ? i : 0));
      const at = (i, j) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
      for (let i = 1; i <= s.length; i++) {
        const row = rows[i];
        for (let j = 1; j <= t.length; j++) {
          const cost = s[i - 1] === t[j - 1] ? 0 : 1;
          let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
          if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
            best = Math.min(best, at(i - 2, j - 2) + 1);
          }
          row[j] = best;
        }
      }
      return at(s.length, t.length);
    }
    function nearest(name, candidates) {
      const limit = Math.min(3, Math.max(1, Math.floor(name.length / 2)));
      let best;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (const candidate of candidates) {
        const distance = editDistance(name, candidate);
        if (distance < bestDistance) {
          best = candidate;
          bestDistance = distance;
        }
      }
      return bestDistance <= limit ? best : void 0;
    }
    function didYouMean(name, candidates) {
      const suggestion = nearest(name, candidates);
      return suggestion === void 0 ? "" : ` \u2014 did you mean "${suggestion}"?`;
    }
  }
});

// dist/config/validate.js
var require_validate = __commonJS({
  "dist/config/validate.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.DEFAULT_SAMPLE_TIMEOUT_MS = exports2.DEFAULT_FAIL_AT = exports2.DEFAULT_MODE = void 0;
    exports2.resolveConfig = resolveConfig;
    exports2.readPluginPaths = readPluginPaths;
    var path = __importStar(require("node:path"));
    var thresholds_1 = require_thresholds();
    var probes_1 = require_probes();
    var errors_1 = require_errors();
    var suggest_1 = require_suggest();
    var TOP_LEVEL_KEYS = ["$schema", "mode", "failAt", "baseline", "report", "probes", "plugins", "sampleTimeoutMs"];
    var REPORT_KEYS = ["json"];
    var PROBE_KEYS = ["enabled", "threshold"];
    var MODES = ["warn", "fail"];
    var FAIL_AT = ["test", "end"];
    exports2.DEFAULT_MODE = "warn";
    exports2.DEFAULT_FAIL_AT = "test";
    exports2.DEFAULT_SAMPLE_TIMEOUT_MS = 500;
    function resolveConfig(raw, source, plugins) {
      const checker = new Checker(source.filepath);
      const config2 = readTopLevel(raw, checker);
      checker.keys(config2, TOP_LEVEL_KEYS, void 0);
      if (config2.$schema !== void 0 && typeof config2.$schema !== "string") {
        checker.fail("$schema", `expected a string, got ${(0, errors_1.describeValue)(config2.$schema)}`);
      }
      readPluginList(config2.plugins, checker);
      return {
        filepath: source.filepath,
        rootDir: source.rootDir,
        mode: readMode(config2.mode, checker),
        failAt: readFailAt(config2.failAt, checker),
        baseline: readFilePath(config2.baseline, "baseline", source.rootDir, checker),
        // Read by loadConfig: this function reads no files.
        knownLeaks: [],
        reportJson: readReportJson(config2.report, source.rootDir, checker),
        probes: resolveProbes(config2.probes, plugins, checker),
        sampleTimeoutMs: readSampleTimeout(config2.sampleTimeoutMs, checker)
      };
    }
    function readPluginPaths(raw, source) {
      const checker = new Checker(source.filepath);
      return readPluginList(readTopLevel(raw, checker).plugins, checker);
    }
    var Checker = class {
      filepath;
      constructor(filepath) {
        this.filepath = filepath;
      }
      fail(key, detail) {
        throw new errors_1.ConfigError(detail, { filepath: this.filepath, key });
      }
      /** A failure about a key that should not be there, shown under its parent. */
      failUnder(parent, key, detail) {
        throw new errors_1.ConfigError(detail, { filepath: this.filepath, key: joinKey(parent, key), shownKey: parent });
      }
      /** Reject keys of `object` not in `allowed`, suggesting the nearest allowed one. */
      keys(object, allowed, parent) {
        for (const key of Object.keys(object)) {
          if (!allowed.includes(key)) {
            const suggestion = (0, suggest_1.didYouMean)(key, allowed);
            const hint = suggestion || ` (allowed: ${allowed.join(", ")})`;
            this.failUnder(parent, key, `unknown key "${key}"${hint}`);
          }
        }
      }
      /** `value` as an object, or a failure naming what it is instead. */
      object(value, key, what = "an object") {
        if (!isObject(value))
          this.fail(key, `expected ${what}, got ${(0, errors_1.describeValue)(value)}`);
        return value;
      }
    };
    function readTopLevel(raw, checker) {
      if (raw === void 0 || raw === null)
        return {};
      if (isObject(raw))
        return raw;
      const inPackageJson = checker.filepath !== void 0 && path.basename(checker.filepath) === "package.json";
      if (inPackageJson) {
        return checker.fail("leakguard", `the "leakguard" key must be an object, got ${(0, errors_1.describeValue)(raw)}`);
      }
      return checker.fail(void 0, `the config must be an object, got ${(0, errors_1.describeValue)(raw)}`);
    }
    function readMode(value, checker) {
      if (value === void 0)
        return exports2.DEFAULT_MODE;
      if (isMode(value))
        return value;
      return checker.fail("mode", `expected "warn" or "fail", got ${(0, errors_1.describeValue)(value)}`);
    }
    function isMode(value) {
      return typeof value === "string" && MODES.includes(value);
    }
    function readFailAt(value, checker) {
      if (value === void 0)
        return exports2.DEFAULT_FAIL_AT;
      if (typeof value === "string" && FAIL_AT.includes(value))
        return value;
      return checker.fail("failAt", `expected "test" or "end", got ${(0, errors_1.describeValue)(value)}${typeof value === "string" ? (0, suggest_1.didYouMean)(value, FAIL_AT) : ""}`);
    }
    function readReportJson(value, rootDir, checker) {
      if (value === void 0)
        return void 0;
      const report = checker.object(value, "report", 'an object like { "json": "leakguard-report.json" }');
      checker.keys(report, REPORT_KEYS, "report");
      return readFilePath(report.json, "report.json", rootDir, checker);
    }
    function readFilePath(value, key, rootDir, checker) {
      if (value === void 0 || value === false)
        return void 0;
      if (typeof value !== "string" || value.trim() === "") {
        return checker.fail(key, `expected a file path (string) or false, got ${(0, errors_1.describeValue)(value)}`);
      }
      return path.resolve(rootDir, value);
    }
    function readSampleTimeout(value, checker) {
      if (value === void 0)
        return exports2.DEFAULT_SAMPLE_TIMEOUT_MS;
      if (typeof value === "number" && Number.isFinite(value) && value > 0)
        return value;
      return checker.fail("sampleTimeoutMs", `expected a positive number of milliseconds, got ${(0, errors_1.describeValue)(value)}`);
    }
    function readPluginList(value, checker) {
      if (value === void 0)
        return [];
      if (!Array.isArray(value)) {
        return checker.fail("plugins", `expected an array of module paths, got ${(0, errors_1.describeValue)(value)}`);
      }
      return value.map((item, index) => {
        if (typeof item === "string" && item.trim() !== "")
          return item;
        return checker.fail(`plugins[${index}]`, `expected a module path (string), got ${(0, errors_1.describeValue)(item)}`);
      });
    }
    function resolveProbes(value, plugins, checker) {
      const registry = probeRegistry(plugins, checker);
      const entries = value === void 0 ? {} : checker.object(value, "probes", "an object keyed by probe name");
      for (const name of Object.keys(entries)) {
        if (!registry.has(name)) {
          const names = [...registry.keys()];
          checker.failUnder("probes", name, `unknown probe "${name}"${(0, suggest_1.didYouMean)(name, names)} (available probes: ${names.join(", ")})`);
        }
      }
      const configured = [];
      for (const { definition, builtin } of registry.values()) {
        const probe = resolveProbe(definition, builtin, entries[definition.name], checker);
        if (probe)
          configured.push(probe);
      }
      return configured;
    }
    function probeRegistry(plugins, checker) {
      const registry = /* @__PURE__ */ new Map();
      const add = (definition, builtin) => {
        if (registry.has(definition.name)) {
          checker.fail("plugins", `more than one probe is named "${definition.name}"`);
        }
        registry.set(definition.name, { definition, builtin });
      };
      probes_1.builtinProbes.forEach((definition) => add(definition, true));
      plugins.forEach((definition) => add(definition, false));
      return registry;
    }
    function resolveProbe(definition, builtin, value, checker) {
      const key = joinKey("probes", definition.name);
      const entry = value === void 0 ? {} : checker.object(value, key, 'an object like { "enabled": true, "threshold": 0 }');
      const specs = definition.options ?? {};
      const openOptions = !builtin && definition.options === void 0;
      if (!openOptions)
        checker.keys(entry, [...PROBE_KEYS, ...Object.keys(specs)], key);
      const enabled = readEnabled(entry.enabled, definition, `${key}.enabled`, checker);
      const threshold = readThreshold(entry.threshold, definition, `${key}.threshold`, checker);
      const options = openOptions ? passThroughOptions(entry) : readOptions(entry, specs, key, checker);
      return enabled ? { definition, threshold, options } : void 0;
    }
    function readEnabled(value, definition, key, checker) {
      if (value === void 0)
        return definition.enabledByDefault !== false;
      if (typeof value === "boolean")
        return value;
      return checker.fail(key, `expected true or false, got ${(0, errors_1.describeValue)(value)}`);
    }
    function readThreshold(value, definition, key, checker) {
      if (value === void 0)
        return definition.defaultThreshold;
      try {
        return (0, thresholds_1.parseThreshold)(value, definition.unit);
      } catch (error) {
        if (error instanceof thresholds_1.ThresholdError)
          return checker.fail(key, error.message);
        throw error;
      }
    }
    function readOptions(entry, specs, key, checker) {
      const options = {};
      for (const [name, spec] of Object.entries(specs)) {
        const value = entry[name];
        if (value === void 0) {
          if (spec.default !== void 0)
            options[name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
          continue;
        }
        const problem = optionProblem(value, spec);
        if (problem !== void 0)
          checker.fail(joinKey(key, name), problem);
        options[name] = value;
      }
      return options;
    }
    function passThroughOptions(entry) {
      const options = {};
      for (const [name, value] of Object.entries(entry)) {
        if (!PROBE_KEYS.includes(name))
          options[name] = value;
      }
      return options;
    }
    function optionProblem(value, spec) {
      const got = (0, errors_1.describeValue)(value);
      switch (spec.type) {
        case "string":
          if (typeof value !== "string")
            return `expected a string, got ${got}`;
          return enumProblem(value, spec);
        case "number":
          return typeof value === "number" && Number.isFinite(value) ? void 0 : `expected a number, got ${got}`;
        case "boolean":
          return typeof value === "boolean" ? void 0 : `expected true or false, got ${got}`;
        case "string[]":
          return Array.isArray(value) ? stringArrayProblem(value, spec) : `expected an array of strings, got ${got}`;
        case "size":
          return sizeProblem(value);
      }
    }
    function sizeProblem(value) {
      try {
        (0, thresholds_1.parseThreshold)(value, "bytes");
        return void 0;
      } catch (error) {
        if (error instanceof thresholds_1.ThresholdError)
          return error.message;
        throw error;
      }
    }
    function stringArrayProblem(items, spec) {
      for (const [index, item] of items.entries()) {
        if (typeof item !== "string")
          return `expected an array of strings, but item ${index} is ${(0, errors_1.describeValue)(item)}`;
        const problem = enumProblem(item, spec);
        if (problem !== void 0)
          return `item ${index}: ${problem}`;
      }
      return void 0;
    }
    function enumProblem(value, spec) {
      if (spec.enum === void 0 || spec.enum.includes(value))
        return void 0;
      const allowed = spec.enum.map((item) => JSON.stringify(item)).join(", ");
      return `expected one of ${allowed}, got ${(0, errors_1.describeValue)(value)}${(0, suggest_1.didYouMean)(value, spec.enum)}`;
    }
    function joinKey(parent, key) {
      const part = /^[\w$-]+$/.test(key) ? key : JSON.stringify(key);
      return parent === void 0 ? part : `${parent}.${part}`;
    }
    function isObject(value) {
      return typeof value === "object" && value !== null && !Array.isArray(value);
    }
  }
});

// dist/config/load.js
var require_load = __commonJS({
  "dist/config/load.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.SEARCH_PLACES = exports2.CONFIG_ENV_VAR = exports2.MODULE_NAME = void 0;
    exports2.loadConfig = loadConfig;
    var node_fs_1 = require("node:fs");
    var path = __importStar(require("node:path"));
    var cosmiconfig_1 = require("cosmiconfig");
    var baseline_file_1 = require_baseline_file();
    var errors_1 = require_errors();
    var load_module_1 = require_load_module();
    var plugins_1 = require_plugins();
    var validate_1 = require_validate();
    exports2.MODULE_NAME = "leakguard";
    exports2.CONFIG_ENV_VAR = "LEAKGUARD_CONFIG";
    exports2.SEARCH_PLACES = [
      "package.json",
      `.${exports2.MODULE_NAME}rc`,
      `.${exports2.MODULE_NAME}rc.json`,
      `.${exports2.MODULE_NAME}rc.yaml`,
      `.${exports2.MODULE_NAME}rc.yml`,
      `.${exports2.MODULE_NAME}rc.js`,
      `.${exports2.MODULE_NAME}rc.cjs`,
      `.${exports2.MODULE_NAME}rc.mjs`,
      `${exports2.MODULE_NAME}.config.js`,
      `${exports2.MODULE_NAME}.config.cjs`,
      `${exports2.MODULE_NAME}.config.mjs`
    ];
    async function loadConfig(cwd = process.cwd()) {
      const found = await findConfig(path.resolve(cwd));
      const source = found ? { filepath: found.filepath, rootDir: path.dirname(found.filepath) } : { filepath: void 0, rootDir: path.resolve(cwd) };
      const raw = found?.config;
      const plugins = await (0, plugins_1.loadPlugins)((0, validate_1.readPluginPaths)(raw, source), source.rootDir, source.filepath);
      const resolved = (0, validate_1.resolveConfig)(raw, source, plugins);
      if (resolved.baseline)
        resolved.knownLeaks = (0, baseline_file_1.readBaseline)(resolved.baseline);
      return resolved;
    }
    async function findConfig(cwd) {
      const explorer = createExplorer();
      const explicit = process.env[exports2.CONFIG_ENV_VAR];
      try {
        if (explicit)
          return await loadExplicit(explorer, path.resolve(cwd, explicit), explicit);
        return await explorer.search(cwd);
      } catch (error) {
        throw toConfigError(error);
      }
    }
    function createExplorer() {
      return (0, cosmiconfig_1.cosmiconfig)(exports2.MODULE_NAME, {
        searchPlaces: [...exports2.SEARCH_PLACES],
        // Stop at the project root: a config in a parent project (or the home directory) must
        // not change how this project's tests are guarded.
        searchStrategy: "project",
        // A fresh explorer per call and no cache, so an edited JSON or YAML file is read again
        // (JavaScript configs stay in Node's module cache, as any module does).
        cache: false,
        loaders: {
          ".json": loadJson,
          ".js": loadJsConfig,
          ".cjs": loadJsConfig,
          ".mjs": loadJsConfig
        }
      });
    }
    async function loadExplicit(explorer, filepath, given) {
      const from = `(${exports2.CONFIG_ENV_VAR}=${given})`;
      if (!(0, node_fs_1.statSync)(filepath, { throwIfNoEntry: false })?.isFile()) {
        throw new errors_1.ConfigError(`no such file ${from}`, { filepath });
      }
      const result = await explorer.load(filepath);
      if (result === null)
        throw new errors_1.ConfigError(`no "${exports2.MODULE_NAME}" key ${from}`, { filepath });
      return result;
    }
    var loadJson = (filepath, content) => {
      const text = content.replace(/^\uFEFF/, "");
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new errors_1.ConfigError(`JSON syntax error: ${jsonErrorText(error, text)}`, { filepath, cause: error });
      }
    };
    function jsonErrorText(error, text) {
      const message = error instanceof Error ? error.message : String(error);
      const position = /\s*at position (\d+)(?:\s*\(line \d+ column \d+\))?/.exec(message);
      if (position) {
        return message.replace(position[0], ` at ${lineAndColumn(text, Number(position[1]))}`);
      }
      return /end of JSON input/.test(message) ? `${message} at ${lineAndColumn(text, text.length)}` : message;
    }
    function lineAndColumn(text, offset) {
      const before = text.slice(0, offset).split("\n");
      return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
    }
    var loadJsConfig = async (filepath) => {
      const exported = await (0, load_module_1.loadModule)(filepath);
      if ((0, load_module_1.lacksDefaultExport)(exported)) {
        throw new errors_1.ConfigError("an ES module config needs a default export: export default { ... }", { filepath });
      }
      return (0, load_module_1.mainExport)(exported);
    };
    function toConfigError(error) {
      if (error instanceof errors_1.ConfigError || !(error instanceof Error))
        return error;
      const filepath = error.filepath;
      if (typeof filepath !== "string")
        return error;
      const yaml = yamlErrorText(error);
      const detail = yaml ?? `failed to load: ${error.name}: ${(0, errors_1.oneLine)(error.message)}`;
      return new errors_1.ConfigError(detail, { filepath, cause: error });
    }
    function yamlErrorText(error) {
      if (error.name !== "YAMLException")
        return void 0;
      const { reason, mark } = error;
      if (typeof reason !== "string")
        return `YAML syntax error: ${(0, errors_1.oneLine)(error.message)}`;
      const at = typeof mark?.line === "number" && typeof mark.column === "number" ? ` (line ${mark.line + 1}, column ${mark.column + 1})` : "";
      return `YAML syntax error: ${reason}${at}`;
    }
  }
});

// dist/config/index.js
var require_config = __commonJS({
  "dist/config/index.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.ConfigError = exports2.loadPlugins = exports2.resolveConfig = exports2.readPluginPaths = exports2.DEFAULT_SAMPLE_TIMEOUT_MS = exports2.DEFAULT_MODE = exports2.SEARCH_PLACES = exports2.loadConfig = exports2.CONFIG_ENV_VAR = void 0;
    var load_1 = require_load();
    Object.defineProperty(exports2, "CONFIG_ENV_VAR", { enumerable: true, get: function() {
      return load_1.CONFIG_ENV_VAR;
    } });
    Object.defineProperty(exports2, "loadConfig", { enumerable: true, get: function() {
      return load_1.loadConfig;
    } });
    Object.defineProperty(exports2, "SEARCH_PLACES", { enumerable: true, get: function() {
      return load_1.SEARCH_PLACES;
    } });
    var validate_1 = require_validate();
    Object.defineProperty(exports2, "DEFAULT_MODE", { enumerable: true, get: function() {
      return validate_1.DEFAULT_MODE;
    } });
    Object.defineProperty(exports2, "DEFAULT_SAMPLE_TIMEOUT_MS", { enumerable: true, get: function() {
      return validate_1.DEFAULT_SAMPLE_TIMEOUT_MS;
    } });
    Object.defineProperty(exports2, "readPluginPaths", { enumerable: true, get: function() {
      return validate_1.readPluginPaths;
    } });
    Object.defineProperty(exports2, "resolveConfig", { enumerable: true, get: function() {
      return validate_1.resolveConfig;
    } });
    var plugins_1 = require_plugins();
    Object.defineProperty(exports2, "loadPlugins", { enumerable: true, get: function() {
      return plugins_1.loadPlugins;
    } });
    var errors_1 = require_errors();
    Object.defineProperty(exports2, "ConfigError", { enumerable: true, get: function() {
      return errors_1.ConfigError;
    } });
  }
});

// dist/core/report-model.js
var require_report_model = __commonJS({
  "dist/core/report-model.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.MAX_LEAKS = exports2.MAX_ITEMS_PER_LEAK = exports2.FILE_UNIT_TITLE = void 0;
    exports2.FILE_UNIT_TITLE = "(tests of this file together)";
    exports2.MAX_ITEMS_PER_LEAK = 50;
    exports2.MAX_LEAKS = 2e3;
  }
});

// dist/core/report-merge.js
var require_report_merge = __commonJS({
  "dist/core/report-merge.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.mergeReports = mergeReports;
    var report_model_1 = require_report_model();
    function mergeReports(first, ...rest) {
      const all = [first, ...rest];
      const leaks = all.flatMap((report) => report.leaks);
      const faults = new Map(all.flatMap((report) => report.faults).map((fault) => [`${fault.probe}\0${fault.message}`, fault]));
      const dropped = all.reduce((sum, report) => sum + (report.droppedLeaks ?? 0), 0) + Math.max(0, leaks.length - report_model_1.MAX_LEAKS);
      const merged = {
        ...first,
        tests: all.reduce((sum, report) => sum + report.tests, 0),
        hooks: all.reduce((sum, report) => sum + report.hooks, 0),
        leaks: leaks.slice(0, report_model_1.MAX_LEAKS),
        retainedOnce: all.flatMap((report) => report.retainedOnce ?? []).slice(0, report_model_1.MAX_LEAKS),
        known: all.flatMap((report) => report.known ?? []).slice(0, report_model_1.MAX_LEAKS),
        faults: [...faults.values()],
        startedAt: all.map((report) => report.startedAt).sort()[0],
        endedAt: all.map((report) => report.endedAt).sort().at(-1)
      };
      if (dropped > 0)
        merged.droppedLeaks = dropped;
      else
        delete merged.droppedLeaks;
      return merged;
    }
  }
});

// dist/core/gc-policy.js
var require_gc_policy = __commonJS({
  "dist/core/gc-policy.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.createGcPolicy = createGcPolicy;
    var node_perf_hooks_1 = require("node:perf_hooks");
    var v8 = __importStar(require("node:v8"));
    var gc_1 = require_gc();
    var real_timers_1 = require_real_timers();
    var OPTIONAL_GC_BUDGET = 0.05;
    var ESTIMATED_GC_MS_PER_MB = 1.2;
    function createGcPolicy(name) {
      return name === "exact" ? new ExactPolicy() : new AdaptivePolicy();
    }
    var ExactPolicy = class {
      name = "exact";
      beforeBegin() {
        (0, gc_1.fullGc)();
        return { collectedAtBegin: true };
      }
      mustConfirm() {
        return true;
      }
      collect() {
        (0, gc_1.fullGc)();
      }
      affordsOptionalCollection() {
        return true;
      }
      noGcSince() {
        return false;
      }
      dispose() {
      }
    };
    var AdaptivePolicy = class {
      name = "adaptive";
      observer;
      startedAt = (0, real_timers_1.nowMs)();
      optionalGcMs = 0;
      lastGcCostMs = 0;
      lastGcAt = 0;
      gcSeenSinceBegin = false;
      nextCollectIsOptional = false;
      constructor() {
        this.observer = new node_perf_hooks_1.PerformanceObserver(() => {
        });
        this.observer.observe({ entryTypes: ["gc"] });
        this.lastGcCostMs = v8.getHeapStatistics().used_heap_size / 1024 / 1024 * ESTIMATED_GC_MS_PER_MB;
      }
      beforeBegin() {
        this.observer.takeRecords();
        this.gcSeenSinceBegin = false;
        if (this.withinBudget() && (0, real_timers_1.nowMs)() - this.lastGcAt > 50) {
          this.collect(true);
          return { collectedAtBegin: true };
        }
        return { collectedAtBegin: false };
      }
      noGcSince() {
        if (this.observer.takeRecords().length > 0)
          this.gcSeenSinceBegin = true;
        return !this.gcSeenSinceBegin;
      }
      mustConfirm(window, quickGrowthOverThreshold) {
        if (quickGrowthOverThreshold)
          return true;
        if (this.noGcSince() || window.collectedAtBegin)
          return false;
        if (!this.withinBudget())
          return false;
        this.nextCollectIsOptional = true;
        return true;
      }
      collect(optional = this.nextCollectIsOptional) {
        this.nextCollectIsOptional = false;
        const started = (0, real_timers_1.nowMs)();
        (0, gc_1.fullGc)();
        const took = (0, real_timers_1.nowMs)() - started;
        this.lastGcCostMs = took;
        this.lastGcAt = (0, real_timers_1.nowMs)();
        if (optional)
          this.optionalGcMs += took;
        this.observer.takeRecords();
      }
      affordsOptionalCollection() {
        return this.withinBudget();
      }
      withinBudget() {
        const elapsed = (0, real_timers_1.nowMs)() - this.startedAt;
        return this.optionalGcMs + this.lastGcCostMs <= OPTIONAL_GC_BUDGET * elapsed;
      }
      dispose() {
        this.observer.disconnect();
      }
    };
  }
});

// dist/core/memory-trend.js
var require_memory_trend = __commonJS({
  "dist/core/memory-trend.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.MemoryTrend = void 0;
    var MemoryTrend = class {
      lastValue;
      groups = /* @__PURE__ */ new Map();
      /** Units per group since the last collection. */
      window = /* @__PURE__ */ new Map();
      windowUnits = 0;
      /** The last window closed by a collection. */
      previous;
      constructor(lastValue) {
        this.lastValue = lastValue;
      }
      /** The value the window's growth is measured from (the last collected value). */
      get baseline() {
        return this.lastValue;
      }
      /** A unit of `group` ran. */
      unitRan(group) {
        this.window.set(group, (this.window.get(group) ?? 0) + 1);
        this.windowUnits++;
      }
      /** Growth the run reported for a unit of `group` (a leak, growth retained once, repeats). */
      explained(group, bytes) {
        if (!(bytes > 0))
          return;
        this.state(group).growth -= bytes;
      }
      /**
       * A full collection read `value`: the growth since the last one is shared among the
       * window's groups. A collection with no unit since the last one (a second look at the
       * same unit, a repeat of it) belongs with the window before: what it sees (memory the
       * unit held for a turn longer and has freed since, or what a repeat kept) is that
       * window's units' doing.
       */
      collected(value) {
        const growth = value - this.lastValue;
        this.lastValue = value;
        if (this.windowUnits === 0) {
          if (this.previous)
            this.share(growth, this.previous.window, this.previous.units, false);
          return;
        }
        this.share(growth, this.window, this.windowUnits, true);
        this.previous = { window: this.window, units: this.windowUnits };
        this.window = /* @__PURE__ */ new Map();
        this.windowUnits = 0;
      }
      /**
       * A group ended without a collection because `bound`, an uncollected reading (live heap
       * plus garbage), shows it cannot have grown past the threshold. Its growth is let go,
       * and `bound` becomes the baseline: never below the live heap, so the next group's
       * growth is under-estimated, never over-estimated, and never shared with this one.
       */
      endedBelow(bound) {
        this.lastValue = bound;
        this.window = /* @__PURE__ */ new Map();
        this.windowUnits = 0;
        this.previous = void 0;
      }
      /** Groups whose net growth is above `threshold`, largest first. */
      grownAbove(threshold) {
        return [...this.groups].filter(([, state]) => state.growth > threshold).map(([group, state]) => ({ group, growth: Math.round(state.growth), units: state.units })).sort((a, b) => b.growth - a.growth);
      }
      share(growth, window, windowUnits, countUnits) {
        for (const [group, units] of window) {
          const state = this.state(group);
          state.growth += growth * units / windowUnits;
          if (countUnits)
            state.units += units;
        }
      }
      state(group) {
        let state = this.groups.get(group);
        if (!state) {
          state = { growth: 0, units: 0 };
          this.groups.set(group, state);
        }
        return state;
      }
    };
    exports2.MemoryTrend = MemoryTrend;
  }
});

// dist/core/engine.js
var require_engine = __commonJS({
  "dist/core/engine.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.LeakEngine = void 0;
    var gc_1 = require_gc();
    var gc_policy_1 = require_gc_policy();
    var guarded_probe_1 = require_guarded_probe();
    var probe_1 = require_probe();
    var real_timers_1 = require_real_timers();
    var memory_trend_1 = require_memory_trend();
    var report_model_1 = require_report_model();
    var COLLECT_AT_START_BELOW = 32 * 1024 * 1024;
    var SETTLE_TURNS = 3;
    var LeakEngine = class _LeakEngine {
      options;
      faults = [];
      probes = [];
      gcPolicy;
      /** Per GC probe: its value right after leakguard's latest full collection. */
      lastCollected = /* @__PURE__ */ new Map();
      /** Per GC probe: its growth per file, between collections. */
      trends = /* @__PURE__ */ new Map();
      /** The file of the units being measured. */
      currentGroup;
      constructor(options) {
        this.options = options;
      }
      /** Create the probes (a probe whose creation fails is reported and left out). */
      static async create(options) {
        const engine = new _LeakEngine(options);
        for (const configured of options.probes)
          await engine.addProbe(configured);
        if (engine.probes.some((probe) => probe.measuresAfterGc))
          engine.gcPolicy = (0, gc_policy_1.createGcPolicy)(options.gcPolicy);
        if (options.fileThreshold !== void 0 && engine.memoryProbes.length > 0)
          await engine.startTrends();
        return engine;
      }
      /**
       * The file trends' first baseline. A full collection gives the live heap; it costs ~1 ms
       * per MB, so it is taken only while the heap is small. Otherwise the baseline is read
       * uncollected after a scavenge (which takes out the young garbage, ~1 ms): it still holds
       * the old garbage of loading the test files, so it is above the live heap and the first
       * window's growth is under-estimated, never over-estimated.
       */
      async startTrends() {
        const probes = this.memoryProbes;
        let start;
        if (process.memoryUsage().heapUsed <= COLLECT_AT_START_BELOW) {
          start = await this.collectAndRead(probes);
        } else {
          (0, gc_1.minorGc)();
          start = await this.sampleSome(probes, { collected: true });
        }
        for (const [probe, reading] of start)
          this.trends.set(probe, new memory_trend_1.MemoryTrend(reading.value));
      }
      /** True when the named probe measures memory after GC (its leaks can be repeated to confirm). */
      measuresAfterGc(probeName) {
        return this.probes.some((probe) => probe.name === probeName && probe.measuresAfterGc);
      }
      /** Names of the probes still running. */
      get activeProbes() {
        return this.probes.filter((probe) => probe.active);
      }
      /** Sample every probe at the start of a unit. */
      async begin(unit) {
        if (this.trends.size > 0)
          await this.enterGroup(groupOf(unit));
        const gcWindow = this.gcPolicy?.beforeBegin();
        if (gcWindow?.collectedAtBegin)
          this.rememberCollected(await this.sampleSome(this.memoryProbes, { collected: true }));
        const readings = await this.sampleAll();
        return { unit, readings, gcWindow };
      }
      /** Sample every probe at the end of a unit and return what it leaked. */
      async end(scope) {
        const growths = await this.measureEnd(scope);
        const leaks = [];
        for (const [probe, growth] of growths) {
          if (growth.delta > probe.threshold)
            leaks.push(await this.toLeak(scope.unit, probe, growth));
        }
        return leaks;
      }
      /**
       * End a unit whose resources may legitimately outlive it (a `before all` hook): what it
       * created is remembered and judged by {@link judgeHeld} when its suite has ended.
       */
      async endHeld(scope) {
        const growths = await this.measureEnd(scope, { settle: false });
        const created = /* @__PURE__ */ new Map();
        for (const [probe, growth] of growths) {
          if (growth.delta > probe.threshold)
            created.set(probe, { items: growth.items, growth: growth.delta });
        }
        return { unit: scope.unit, begin: scope.readings, created };
      }
      /** Judge a held unit: what it created and is still there now leaked. */
      async judgeHeld(held) {
        const growths = /* @__PURE__ */ new Map();
        const measure = (probe, now) => this.survivorGrowth(probe, held, now);
        for (const probe of held.created.keys()) {
          if (!probe.active)
            continue;
          const now = probe.measuresAfterGc ? (await this.collectAndRead([probe])).get(probe) : await probe.sample();
          if (!now)
            continue;
          const growth = measure(probe, now);
          if (growth)
            growths.set(probe, growth);
        }
        await this.settle(growths, measure);
        const leaks = [];
        for (const [probe, growth] of growths) {
          if (growth.delta > probe.threshold)
            leaks.push(await this.toLeak(held.unit, probe, growth));
        }
        return leaks;
      }
      /**
       * The growth of each memory probe over `work`, measured with a full collection before
       * and after: for repeating a suspect unit (see repeat-rule.ts). With `track`, also what
       * of the growth is still alive, by where it was allocated, and when `likelyLeak` (every
       * run so far grew), by type and with what retains it, if the probe finds it affordable.
       */
      async measureMemory(work, { track = false, likelyLeak = false, unit } = {}) {
        const probes = this.memoryProbes;
        const measured = /* @__PURE__ */ new Map();
        if (!this.gcPolicy || probes.length === 0) {
          await work();
          return measured;
        }
        const before = await this.collectAndRead(probes);
        const trackers = /* @__PURE__ */ new Map();
        if (track) {
          for (const probe of probes) {
            const stop = await probe.track({ likelyLeak });
            if (stop)
              trackers.set(probe, stop);
          }
        }
        try {
          await work();
        } catch (error) {
          for (const stop of trackers.values())
            await stop({ discard: true }).catch(() => void 0);
          throw error;
        } finally {
          await letQueuedWorkRun();
        }
        const after = await this.collectAndRead(probes);
        for (const [probe, reading] of after) {
          const start = before.get(probe);
          const stop = trackers.get(probe);
          trackers.delete(probe);
          const tracked = stop ? toTrackedGrowth(await stop().catch(() => [])) : { items: [] };
          if (!start)
            continue;
          measured.set(probe.name, { ...tracked, growth: reading.value - start.value });
          if (unit)
            this.trends.get(probe)?.explained(groupOf(unit), reading.value - start.value);
        }
        for (const stop of trackers.values())
          await stop({ discard: true }).catch(() => void 0);
        return measured;
      }
      /**
       * Units come file by file: when the file changes, the last one has ended (and Mocha has
       * dropped its test functions, and with them what only they kept).
       */
      async enterGroup(group) {
        if (this.currentGroup !== void 0 && this.currentGroup !== group)
          await this.checkpoint();
        this.currentGroup = group;
        for (const trend of this.trends.values())
          trend.unitRan(group);
      }
      /**
       * A group of units (a test file) has ended, or the run: collect if memory may have grown
       * past the file threshold since the last collection, so that small leaks that add up are
       * seen and blamed on this file. The uncollected reading is an upper bound of that growth
       * (it also holds garbage), so a file that cannot have grown that much costs one read.
       */
      async checkpoint() {
        const threshold = this.options.fileThreshold;
        if (threshold === void 0 || this.trends.size === 0)
          return;
        const probes = [...this.trends.keys()].filter((probe) => probe.active);
        const bound = async () => {
          const now = await this.sampleSome(probes, { collected: true });
          const grew = probes.some((probe) => (now.get(probe)?.value ?? 0) - this.trends.get(probe).baseline > threshold);
          return grew ? void 0 : now;
        };
        const below = await bound() ?? ((0, gc_1.minorGc)(), await bound());
        if (!below) {
          await this.collectAndRead(probes);
          return;
        }
        if (this.gcPolicy?.affordsOptionalCollection()) {
          await this.collectAndRead(probes, { optional: true });
          return;
        }
        for (const [probe, reading] of below)
          this.trends.get(probe)?.endedBelow(reading.value);
      }
      /** Files whose units together grew memory past the file threshold, less what was reported per unit. */
      async fileLeaks() {
        const threshold = this.options.fileThreshold;
        const leaks = [];
        if (threshold === void 0)
          return leaks;
        for (const [probe, trend] of this.trends) {
          if (!probe.active)
            continue;
          for (const { group, growth, units } of trend.grownAbove(threshold)) {
            const unit = { kind: "file", title: report_model_1.FILE_UNIT_TITLE, file: group || void 0 };
            const leak = await this.toLeak(unit, probe, { delta: growth, items: void 0 }, threshold);
            leak.units = units;
            leak.hint = fileHint(units);
            leaks.push(leak);
          }
        }
        return leaks;
      }
      async dispose() {
        this.gcPolicy?.dispose();
        await real_timers_1.RealPromise.all(this.probes.map((probe) => probe.dispose()));
      }
      // ---------------------------------------------------------------------------------
      async addProbe(configured) {
        const { definition } = configured;
        const { warn, rootDir, sampleTimeoutMs } = this.options;
        try {
          const instance = await definition.create({
            options: configured.options,
            rootDir,
            warn: (message) => warn(`probe "${definition.name}": ${message}`)
          });
          if (instance)
            this.probes.push(new guarded_probe_1.GuardedProbe(configured, instance, sampleTimeoutMs, this.onFault, this.onNotice));
        } catch (error) {
          this.onFault(definition.name, `create() threw: ${(0, guarded_probe_1.errorMessage)(error)}`);
        }
      }
      onNotice = (probe, message) => {
        this.options.warn(`probe "${probe}": ${message}`);
      };
      onFault = (probe, message) => {
        this.faults.push({ probe, message });
        this.options.warn(`probe "${probe}" switched off: ${message}`);
      };
      async measureEnd(scope, { settle = true } = {}) {
        const after = await this.sampleAll();
        const growths = /* @__PURE__ */ new Map();
        for (const [probe, begin] of scope.readings) {
          const end = after.get(probe);
          if (!end)
            continue;
          const growth = this.growth(probe, begin, end);
          if (growth)
            growths.set(probe, growth);
        }
        await this.confirmMemory(scope, growths);
        if (settle)
          await this.settle(growths, (probe, now) => this.growth(probe, scope.readings.get(probe), now));
        return growths;
      }
      growth(probe, begin, end) {
        const items = probe.newItems(begin, end);
        if (!probe.active)
          return void 0;
        return { delta: items ? items.length : end.value - begin.value, items };
      }
      /**
       * For GC probes, turn uncollected deltas into trustworthy ones: either the cheap bound
       * already clears the unit, or collect and bound the growth by the collected value.
       */
      async confirmMemory(scope, growths) {
        const policy = this.gcPolicy;
        if (!policy || !scope.gcWindow)
          return;
        const memoryProbes = [...growths.keys()].filter((probe) => probe.measuresAfterGc);
        if (memoryProbes.length === 0)
          return;
        const quickBoundHolds = policy.noGcSince(scope.gcWindow);
        const overThreshold = memoryProbes.some((probe) => growths.get(probe).delta > probe.threshold);
        if (!policy.mustConfirm(scope.gcWindow, overThreshold))
          return;
        const baseline = new Map(memoryProbes.map((probe) => [probe, this.lastCollected.get(probe)]));
        for (let attempt = 0; attempt < 2; attempt++) {
          const collected = await this.collectAndRead(memoryProbes);
          let stillOver = false;
          for (const probe of memoryProbes) {
            const value = collected.get(probe)?.value;
            const since = baseline.get(probe);
            const growth = growths.get(probe);
            if (value === void 0)
              continue;
            if (since === void 0) {
              if (!quickBoundHolds)
                growth.delta = 0;
              continue;
            }
            const collectedBound = value - since;
            growth.delta = quickBoundHolds ? Math.min(growth.delta, collectedBound) : collectedBound;
            if (growth.delta > probe.threshold)
              stillOver = true;
          }
          if (!stillOver)
            return;
          await letQueuedWorkRun();
        }
      }
      /** Re-sample probes that grew until the growth is gone or their settle time is spent. */
      async settle(growths, measure) {
        const pending = [...growths].filter(([probe, growth]) => probe.settle && !probe.measuresAfterGc && growth.delta > probe.threshold);
        if (pending.length === 0)
          return;
        const started = (0, real_timers_1.nowMs)();
        const longest = Math.max(...pending.map(([probe]) => probe.settle.maxWaitMs));
        for (let attempt = 0; pending.length > 0; attempt++) {
          const waited = (0, real_timers_1.nowMs)() - started;
          if (waited >= longest)
            break;
          if (attempt >= SETTLE_TURNS && !pending.some(([probe, growth]) => probe.mayEndByItself(growth.items)))
            break;
          const pause = attempt < SETTLE_TURNS ? 0 : 2 ** (attempt - SETTLE_TURNS);
          await (0, real_timers_1.sleep)(Math.min(pause, longest - waited));
          for (let i = pending.length - 1; i >= 0; i--) {
            const [probe, growth] = pending[i];
            const rule = probe.settle;
            if (attempt >= rule.attempts || (0, real_timers_1.nowMs)() - started > rule.maxWaitMs) {
              pending.splice(i, 1);
              continue;
            }
            const now = await probe.sample();
            const next = now && measure(probe, now);
            if (!next) {
              growths.delete(probe);
              pending.splice(i, 1);
              continue;
            }
            growth.delta = next.delta;
            growth.items = next.items;
            if (next.delta <= probe.threshold)
              pending.splice(i, 1);
          }
        }
      }
      /** What a held unit created that is still there now. */
      survivorGrowth(probe, held, now) {
        const begin = held.begin.get(probe);
        const created = held.created.get(probe);
        if (!begin || !created)
          return void 0;
        if (created.items) {
          const stillNew = new Set((probe.newItems(begin, now) ?? []).map(probe_1.itemId));
          const items = created.items.filter((item) => stillNew.has((0, probe_1.itemId)(item)));
          return { delta: items.length, items };
        }
        return { delta: Math.min(created.growth, now.value - begin.value), items: void 0 };
      }
      async toLeak(unit, probe, growth, threshold = probe.threshold) {
        if (unit.kind !== "file")
          this.trends.get(probe)?.explained(groupOf(unit), growth.delta);
        const all = growth.items ?? [];
        const items = await probe.describe(all.slice(0, report_model_1.MAX_ITEMS_PER_LEAK));
        const leak = {
          test: unit.title,
          file: unit.file,
          kind: unit.kind,
          probe: probe.name,
          delta: growth.delta,
          unit: probe.definition.unit,
          threshold,
          items
        };
        if (all.length > items.length)
          leak.itemsTotal = all.length;
        const hint = probe.hint(items[0]);
        if (hint)
          leak.hint = hint;
        return leak;
      }
      async sampleAll() {
        return this.sampleSome(this.probes);
      }
      get memoryProbes() {
        return this.probes.filter((probe) => probe.measuresAfterGc && probe.active);
      }
      /** Readings of `probes`; `collected`: a full GC ran just before (memory probes read exactly). */
      async sampleSome(probes, { collected = false } = {}) {
        const readings = /* @__PURE__ */ new Map();
        for (const probe of probes) {
          if (!probe.measuresAfterGc || !probe.active)
            continue;
          const sampled = probe.sample(collected);
          const reading = sampled instanceof real_timers_1.RealPromise ? await sampled : sampled;
          if (reading)
            readings.set(probe, reading);
        }
        for (const probe of probes) {
          if (probe.measuresAfterGc || !probe.active)
            continue;
          const sampled = probe.sample();
          const reading = sampled instanceof real_timers_1.RealPromise ? await sampled : sampled;
          if (reading)
            readings.set(probe, reading);
        }
        return readings;
      }
      /** A full collection, then exact readings of `probes`, remembered as the latest collected values. */
      async collectAndRead(probes, { optional } = {}) {
        this.gcPolicy?.collect(optional);
        const readings = await this.sampleSome(probes, { collected: true });
        this.rememberCollected(readings);
        return readings;
      }
      rememberCollected(readings) {
        for (const [probe, reading] of readings) {
          if (!probe.measuresAfterGc)
            continue;
          this.lastCollected.set(probe, reading.value);
          this.trends.get(probe)?.collected(reading.value);
        }
      }
    };
    exports2.LeakEngine = LeakEngine;
    function groupOf(unit) {
      return unit.file ?? "";
    }
    function fileHint(units) {
      return `The ${units} tests and hooks of this file kept this much memory between them, none of them more than the per-test threshold: something they all add to (a module-level cache or map, a memoize without a bound, a registry of listeners or instances) keeps growing. To see which tests and where the memory is allocated, run this file alone with a lower probes.heap.threshold (e.g. "100KB").`;
    }
    function toTrackedGrowth(result) {
      return Array.isArray(result) ? { items: result } : result;
    }
    var QUEUED_WORK_PAUSES = [0, 1, 2, 4];
    async function letQueuedWorkRun() {
      for (const pause of QUEUED_WORK_PAUSES)
        await (0, real_timers_1.sleep)(pause);
    }
  }
});

// dist/core/leak-store.js
var require_leak_store = __commonJS({
  "dist/core/leak-store.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.LeakStore = void 0;
    var report_model_1 = require_report_model();
    var real_timers_1 = require_real_timers();
    var LeakStore = class {
      byUnit = /* @__PURE__ */ new Map();
      retainedOnceByUnit = /* @__PURE__ */ new Map();
      knownByUnit = /* @__PURE__ */ new Map();
      leakCount = 0;
      dropped = 0;
      testCount = 0;
      hookCount = 0;
      startedAt = (0, real_timers_1.wallClock)();
      /**
       * Record the findings of one attempt at a unit: its new leaks, growth retained once, and
       * leaks the baseline knows of. A later attempt of the same unit (a retry) replaces the
       * earlier one, so a leak is never counted twice.
       */
      record(unitKey, leaks, { retainedOnce = [], known = [] } = {}) {
        replace(this.retainedOnceByUnit, unitKey, retainedOnce);
        replace(this.knownByUnit, unitKey, known);
        const previous = this.byUnit.get(unitKey);
        if (previous) {
          this.leakCount -= previous.length;
          this.byUnit.delete(unitKey);
        }
        if (leaks.length === 0)
          return;
        const room = report_model_1.MAX_LEAKS - this.leakCount;
        if (room <= 0) {
          this.dropped += leaks.length;
          return;
        }
        const kept = leaks.slice(0, room);
        this.dropped += leaks.length - kept.length;
        this.byUnit.set(unitKey, kept);
        this.leakCount += kept.length;
      }
      countTest() {
        this.testCount++;
      }
      countHook() {
        this.hookCount++;
      }
      get leaks() {
        return [...this.byUnit.values()].flat();
      }
      /** Leaks that did not fit under the cap. */
      get droppedLeaks() {
        return this.dropped;
      }
      toReport(meta) {
        const report = {
          version: 1,
          tool: meta.tool,
          mode: meta.mode,
          tests: this.testCount,
          hooks: this.hookCount,
          leaks: this.leaks,
          retainedOnce: [...this.retainedOnceByUnit.values()].flat(),
          known: [...this.knownByUnit.values()].flat(),
          probes: meta.probes,
          faults: meta.faults,
          startedAt: this.startedAt.toISOString(),
          endedAt: (0, real_timers_1.wallClock)().toISOString()
        };
        if (this.dropped > 0)
          report.droppedLeaks = this.dropped;
        return report;
      }
    };
    exports2.LeakStore = LeakStore;
    function replace(byUnit, unitKey, leaks) {
      byUnit.delete(unitKey);
      if (leaks.length > 0 && byUnit.size < report_model_1.MAX_LEAKS)
        byUnit.set(unitKey, leaks);
    }
  }
});

// dist/core/repeat-rule.js
var require_repeat_rule = __commonJS({
  "dist/core/repeat-rule.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.judgeRepeats = judgeRepeats;
    exports2.stillSuspect = stillSuspect;
    function judgeRepeats(growthPerRun, threshold) {
      const floor = threshold / 2;
      return growthPerRun.length > 0 && growthPerRun.every((growth) => growth >= floor) ? "leak" : "retained-once";
    }
    function stillSuspect(growthSoFar, threshold) {
      return growthSoFar.length === 0 || judgeRepeats(growthSoFar, threshold) === "leak";
    }
  }
});

// dist/mocha/uncaught.js
var require_uncaught = __commonJS({
  "dist/mocha/uncaught.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.takeHeldErrors = takeHeldErrors;
    exports2.holdingUncaught = holdingUncaught;
    exports2.rethrowWhenRunning = rethrowWhenRunning;
    exports2.failCurrentTest = failCurrentTest;
    var node_events_1 = require("node:events");
    var timers = __importStar(require("node:timers"));
    var realSetImmediate = timers.setImmediate;
    var { addListener, removeListener } = node_events_1.EventEmitter.prototype;
    var pending = [];
    function takeHeldErrors() {
      return pending.splice(0);
    }
    function hold(error) {
      pending.push(error);
    }
    async function holdingUncaught(work) {
      const listeners = process.listeners("uncaughtException");
      if (listeners.includes(hold)) {
        await work();
        return;
      }
      for (const listener of listeners)
        removeListener.call(process, "uncaughtException", listener);
      addListener.call(process, "uncaughtException", hold);
      try {
        await work();
      } finally {
        removeListener.call(process, "uncaughtException", hold);
        for (const listener of listeners)
          addListener.call(process, "uncaughtException", listener);
      }
    }
    function rethrowWhenRunning(test, errors) {
      const runnable = test;
      const original = runnable.fn;
      if (errors.length === 0 || typeof original !== "function")
        return;
      const wrapped = function(...args) {
        runnable.fn = original;
        for (const error of errors) {
          realSetImmediate(() => {
            throw error;
          });
        }
        return original.apply(this, args);
      };
      Object.defineProperty(wrapped, "length", { value: original.length });
      runnable.fn = wrapped;
    }
    function failCurrentTest(errors, ownHook) {
      const hook = ownHook;
      if (!hook || typeof hook.error !== "function")
        return;
      for (const error of errors)
        hook.error(error);
    }
  }
});

// dist/mocha/hook-sentinels.js
var require_hook_sentinels = __commonJS({
  "dist/mocha/hook-sentinels.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.isSentinel = isSentinel;
    exports2.placeSentinels = placeSentinels;
    var uncaught_12 = require_uncaught();
    var SENTINEL = /* @__PURE__ */ Symbol.for("leakguard.sentinel");
    function isSentinel(hook) {
      return hook[SENTINEL] === true;
    }
    function placeSentinels(root, boundaries, rootBeforeAllFrom, rootEnd) {
      const before = root._beforeAll.slice(rootBeforeAllFrom).filter((hook) => !isSentinel(hook));
      root._beforeAll.splice(rootBeforeAllFrom, Infinity, ...interleave(root, "before all", before, boundaries));
      const after = root._afterAll.filter((hook) => hook !== rootEnd && !isSentinel(hook));
      root._afterAll.splice(0, Infinity, ...interleave(root, "after all", after, boundaries, false), rootEnd);
      for (const child of root.suites)
        placeInSuite(child, boundaries);
    }
    function placeInSuite(suite, boundaries) {
      const before = suite._beforeAll.filter((hook) => !isSentinel(hook));
      const after = suite._afterAll.filter((hook) => !isSentinel(hook));
      if (before.length > 0 || after.length > 0) {
        suite._beforeAll.splice(0, Infinity, ...interleave(suite, "before all", before, boundaries));
        const end = makeSentinel(suite, "after all", () => boundaries.suiteEnded(suite));
        suite._afterAll.splice(0, Infinity, ...interleave(suite, "after all", after, boundaries, false), end);
      }
      for (const child of suite.suites)
        placeInSuite(child, boundaries);
    }
    function interleave(suite, phase, hooks, boundaries, trailing = true) {
      if (hooks.length === 0)
        return [];
      const result = [];
      for (const hook of hooks) {
        result.push(makeSentinel(suite, phase, () => boundaries.between(suite, phase, hook)), hook);
      }
      if (trailing)
        result.push(makeSentinel(suite, phase, () => boundaries.between(suite, phase, void 0)));
      return result;
    }
    function makeSentinel(suite, phase, run) {
      const list = phase === "before all" ? suite._beforeAll : suite._afterAll;
      const add = phase === "before all" ? suite.beforeAll : suite.afterAll;
      add.call(suite, "leakguard", function sentinel() {
        return (0, uncaught_12.holdingUncaught)(run);
      });
      const hook = list.pop();
      hook[SENTINEL] = true;
      hook.timeout(0);
      return hook;
    }
  }
});

// dist/mocha/rerun.js
var require_rerun = __commonJS({
  "dist/mocha/rerun.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.rerunTest = rerunTest;
    var real_timers_1 = require_real_timers();
    var hook_sentinels_1 = require_hook_sentinels();
    async function rerunTest(test, isOwnHook) {
      const chain = suitesFromRoot(test.parent);
      const usable = (hook) => !isOwnHook(hook) && !(0, hook_sentinels_1.isSentinel)(hook);
      const before = chain.flatMap((suite) => suite._beforeEach.filter(usable));
      const after = [...chain].reverse().flatMap((suite) => suite._afterEach.filter(usable));
      const runnables = [...before, test, ...after];
      const saved = runnables.map(snapshot);
      try {
        for (const runnable of runnables) {
          if (runnable.ctx && runnable !== test)
            runnable.ctx.currentTest = test;
          await runOnce(runnable);
        }
      } finally {
        saved.forEach((restore) => restore());
      }
    }
    function suitesFromRoot(suite) {
      const chain = [];
      for (let current2 = suite; current2; current2 = current2.parent)
        chain.unshift(current2);
      return chain;
    }
    function runOnce(runnable) {
      const timeout = runnable.timeout();
      runnable.timeout(Math.max(timeout, 2e3) * 10);
      return new real_timers_1.RealPromise((resolve, reject) => {
        runnable.run((error) => {
          runnable.timeout(timeout);
          runnable.clearTimeout?.();
          if (error)
            reject(error);
          else
            resolve();
        });
      });
    }
    function snapshot(runnable) {
      const { duration, timedOut, pending, callback } = runnable;
      const ctx = runnable.ctx;
      const ctxRunnable = ctx?._runnable;
      const hadCurrentTest = ctx ? Object.prototype.hasOwnProperty.call(ctx, "currentTest") : false;
      const currentTest = ctx?.currentTest;
      return () => {
        Object.assign(runnable, { duration, timedOut, pending, callback });
        if (!ctx)
          return;
        ctx._runnable = ctxRunnable;
        if (hadCurrentTest)
          ctx.currentTest = currentTest;
        else
          delete ctx.currentTest;
      };
    }
  }
});

// dist/mocha/units.js
var require_units = __commonJS({
  "dist/mocha/units.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.testUnit = testUnit;
    exports2.hookUnit = hookUnit;
    exports2.unitKey = unitKey;
    function testUnit(test) {
      let title;
      return {
        kind: "test",
        get title() {
          return title ??= test.fullTitle();
        },
        get file() {
          return test.file ?? fileOf(test.parent);
        }
      };
    }
    function hookUnit(hook, title) {
      const suite = hook.parent;
      const where = suite && !suite.root ? suite.fullTitle() : "{root}";
      return { kind: "hook", title: `${title} in ${where}`, file: hook.file ?? fileOf(suite) };
    }
    function unitKey(unit) {
      return `${unit.kind}\0${unit.file ?? ""}\0${unit.title}`;
    }
    function fileOf(suite) {
      for (let current2 = suite; current2; current2 = current2.parent) {
        if (current2.file)
          return current2.file;
      }
      return void 0;
    }
  }
});

// dist/mocha/guard.js
var require_guard = __commonJS({
  "dist/mocha/guard.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.RunGuard = void 0;
    var path = __importStar(require("node:path"));
    var baseline_1 = require_baseline();
    var engine_1 = require_engine();
    var leak_store_1 = require_leak_store();
    var repeat_rule_1 = require_repeat_rule();
    var thresholds_1 = require_thresholds();
    var hook_sentinels_1 = require_hook_sentinels();
    var rerun_1 = require_rerun();
    var units_1 = require_units();
    var RunGuard = class {
      config;
      output;
      isOwnHook;
      store = new leak_store_1.LeakStore();
      known;
      engine;
      openTest;
      openHook;
      /** `before all` hooks' creations, judged when their suite ends. */
      held = /* @__PURE__ */ new Map();
      ended = false;
      constructor(config2, output2, isOwnHook) {
        this.config = config2;
        this.output = output2;
        this.isOwnHook = isOwnHook;
        this.known = new baseline_1.KnownLeaks(config2.knownLeaks, config2.baseline ? path.dirname(config2.baseline) : config2.rootDir);
      }
      /** Root `before all`: create the probes and measure the hooks of every suite. */
      async start(root, ownBeforeAll, ownAfterAll) {
        await this.guarded("starting", async () => {
          this.engine = await engine_1.LeakEngine.create({
            probes: this.config.probes,
            rootDir: this.config.rootDir,
            sampleTimeoutMs: this.config.sampleTimeoutMs,
            gcPolicy: this.heapOptions?.mode === "exact" ? "exact" : "adaptive",
            fileThreshold: this.heapOptions ? (0, thresholds_1.parseThreshold)(this.heapOptions.fileThreshold ?? "4MiB", "bytes") : void 0,
            warn: (message) => this.output.warn(message)
          });
          const from = root._beforeAll.indexOf(ownBeforeAll) + 1;
          (0, hook_sentinels_1.placeSentinels)(root, this, from, ownAfterAll);
        });
      }
      /** Root `beforeEach`, which Mocha runs before every other `beforeEach`. */
      async testBegins(test) {
        await this.guarded("measuring a test", async () => {
          await this.closeOpenUnits();
          if (!this.engine)
            return;
          this.openTest = { scope: await this.engine.begin((0, units_1.testUnit)(test)), test };
        });
      }
      /**
       * Root `afterEach`, which Mocha runs after every other `afterEach`: the test's own cleanup
       * counts. Returns the test's new leaks (not those the baseline knows of).
       */
      async testEnds(test) {
        let fresh = [];
        await this.guarded("measuring a test", async () => {
          const open = this.openTest;
          this.openTest = void 0;
          if (!open || !this.engine || open.test !== test)
            return;
          if (test.isPending?.() || test.state === "pending")
            return;
          const leaks = await this.engine.end(open.scope);
          if ((test.currentRetry?.() ?? 0) === 0)
            this.store.countTest();
          const retainedOnce = await this.repeatMemoryLeaks(test, leaks);
          if (leaks.length === 0 && (test.currentRetry?.() ?? 0) === 0)
            return;
          fresh = this.record(open.scope.unit, leaks.filter((leak) => !retainedOnce.includes(leak)), retainedOnce);
        });
        return fresh;
      }
      async between(suite, phase, next) {
        await this.guarded("measuring a hook", async () => {
          await this.closeOpenUnits();
          if (!next || !this.engine)
            return;
          const unit = (0, units_1.hookUnit)(next, next.originalTitle ?? next.title);
          this.openHook = { scope: await this.engine.begin(unit), suite, phase };
        });
      }
      async suiteEnded(suite) {
        await this.guarded("measuring a hook", async () => {
          await this.closeOpenUnits();
          await this.judgeHeld(suite);
        });
      }
      /**
       * Root `after all`, placed last: judge what is still open and return the leaks. Idempotent,
       * because a run cut short ends here or in the global teardown.
       */
      async end(root) {
        if (!this.ended) {
          this.ended = true;
          await this.guarded("finishing", async () => {
            await this.closeOpenUnits();
            if (root)
              await this.judgeHeld(root);
            for (const suite of [...this.held.keys()])
              await this.judgeHeld(suite);
            await this.engine?.checkpoint();
            for (const leak of await this.engine?.fileLeaks() ?? []) {
              this.record({ kind: "file", title: leak.test, file: leak.file }, [leak]);
            }
            await this.engine?.dispose();
          });
        }
        return this.store.leaks;
      }
      /** What the run found so far. */
      get findings() {
        const engine = this.engine;
        return { store: this.store, faults: engine?.faults ?? [], measuredBy: engine?.activeProbes.map((probe) => probe.name) };
      }
      /**
       * Run a passed test that grew in memory again, `repeats` times, and keep its memory
       * leaks only if every repeat grew too; returns the ones that did not (retained once).
       */
      async repeatMemoryLeaks(test, leaks) {
        const engine = this.engine;
        const repeats = this.repeats;
        const memoryLeaks = leaks.filter((leak) => engine?.measuresAfterGc(leak.probe));
        if (!engine || repeats === 0 || memoryLeaks.length === 0 || test.state !== "passed")
          return [];
        const growth = /* @__PURE__ */ new Map();
        const found = /* @__PURE__ */ new Map();
        try {
          for (let run = 0; run < repeats; run++) {
            const track = run === repeats - 1;
            const likelyLeak = track && memoryLeaks.some((leak) => (0, repeat_rule_1.stillSuspect)(growth.get(leak.probe) ?? [], leak.threshold));
            const measured = await engine.measureMemory(() => (0, rerun_1.rerunTest)(test, this.isOwnHook), { track, likelyLeak, unit: (0, units_1.testUnit)(test) });
            for (const [probe, { growth: bytes, ...tracked }] of measured) {
              growth.set(probe, [...growth.get(probe) ?? [], bytes]);
              if (track)
                found.set(probe, tracked);
            }
          }
        } catch {
          return [];
        }
        const retainedOnce = [];
        for (const leak of memoryLeaks) {
          const runs = growth.get(leak.probe);
          if (!runs || runs.length < repeats)
            continue;
          leak.repeats = runs;
          const tracked = found.get(leak.probe);
          const allocated = tracked?.items ?? [];
          if (allocated.length > 0 && leak.items.length === 0)
            leak.items = allocated;
          if (tracked?.growthByType?.length)
            leak.growthByType = tracked.growthByType;
          if (tracked?.retainerPath?.length)
            leak.retainerPath = tracked.retainerPath;
          if ((0, repeat_rule_1.judgeRepeats)(runs, leak.threshold) === "retained-once")
            retainedOnce.push(leak);
        }
        return retainedOnce;
      }
      get heapOptions() {
        return this.config.probes.find((probe) => probe.definition.name === "heap")?.options;
      }
      get repeats() {
        const repeats = this.heapOptions?.repeats;
        return typeof repeats === "number" && repeats >= 0 ? Math.floor(repeats) : 2;
      }
      async closeOpenUnits() {
        if (this.openTest && this.engine) {
          const { scope, test } = this.openTest;
          this.openTest = void 0;
          if (!test.isPending?.())
            this.record(scope.unit, await this.engine.end(scope));
        }
        const hook = this.openHook;
        if (!hook || !this.engine)
          return;
        this.openHook = void 0;
        this.store.countHook();
        if (hook.phase === "before all") {
          const held = await this.engine.endHeld(hook.scope);
          if (held.created.size > 0)
            this.held.set(hook.suite, [...this.held.get(hook.suite) ?? [], held]);
        } else {
          this.record(hook.scope.unit, await this.engine.end(hook.scope));
        }
      }
      async judgeHeld(suite) {
        const held = this.held.get(suite);
        this.held.delete(suite);
        if (!held || !this.engine)
          return;
        for (const scope of held)
          this.record(scope.unit, await this.engine.judgeHeld(scope));
      }
      /** Keep a unit's findings, the baseline's known leaks apart; returns the new leaks. */
      record(unit, leaks, retainedOnce = []) {
        const { fresh, known } = this.known.split(leaks);
        this.store.record((0, units_1.unitKey)(unit), fresh, { retainedOnce, known });
        return fresh;
      }
      async guarded(doing, work) {
        try {
          await work();
        } catch (error) {
          this.output.warn(`internal error while ${doing} (the run goes on, results unchanged): ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        }
      }
    };
    exports2.RunGuard = RunGuard;
  }
});

// dist/report/paths.js
var require_paths = __commonJS({
  "dist/report/paths.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.relativePath = relativePath;
    exports2.relativePathsIn = relativePathsIn;
    var path = __importStar(require("node:path"));
    function relativePath(p, cwd) {
      if (!path.isAbsolute(p))
        return p;
      const relative = path.relative(cwd, p);
      if (relative === "")
        return ".";
      if (relative.startsWith("..") || path.isAbsolute(relative))
        return p;
      return relative;
    }
    function relativePathsIn(text, cwd) {
      const root = path.resolve(cwd);
      if (root === path.parse(root).root)
        return text;
      const pattern = new RegExp(`(^|[^\\w.~/\\\\-])(?:file://)?${escapeRegExp(root)}[/\\\\]`, "g");
      return text.replace(pattern, "$1");
    }
    function escapeRegExp(text) {
      return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
});

// dist/report/summary.js
var require_summary = __commonJS({
  "dist/report/summary.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.formatSummary = formatSummary;
    exports2.formatTestFailure = formatTestFailure;
    var stack_frames_1 = require_stack_frames();
    var report_model_1 = require_report_model();
    var thresholds_1 = require_thresholds();
    var paths_1 = require_paths();
    var DEFAULT_MAX_ITEMS_SHOWN = 5;
    var LINE_WIDTH = 100;
    var ITEM_INDENT = "    ";
    var MAX_LABEL_LENGTH = LINE_WIDTH - ITEM_INDENT.length;
    var HINT_PREFIX = `${ITEM_INDENT}hint: `;
    var PLAIN = { red: (text) => text, dim: (text) => text };
    var ANSI = {
      red: (text) => `\x1B[31m${text}\x1B[39m`,
      dim: (text) => `\x1B[2m${text}\x1B[22m`
    };
    function formatSummary(report, options) {
      const style = options.color ? ANSI : PLAIN;
      const units = groupByUnit(report.leaks);
      const lines = units.length === 0 ? [noLeaksLine(report)] : leakLines(units, options.cwd, style, maxItemsShown(options));
      for (const fault of report.faults) {
        const message = oneLine((0, paths_1.relativePathsIn)(fault.message, options.cwd));
        lines.push(`leakguard: probe "${fault.probe}" was switched off: ${message}`);
      }
      if (report.droppedLeaks) {
        lines.push(`leakguard: ${count(report.droppedLeaks, "more leak")} not listed (at most ${report_model_1.MAX_LEAKS} are kept per run)`);
      }
      lines.push(...retainedOnceLines(report, options.cwd));
      lines.push(...knownLines(report, options.cwd));
      if (units.length > 0)
        lines.push(totalsLine(report, units, options.updatingBaseline === true));
      return lines.join("\n");
    }
    function retainedOnceLines(report, cwd) {
      const retained = report.retainedOnce ?? [];
      if (retained.length === 0)
        return [];
      const lines = [`leakguard: retained once, not counted as leaks (no growth when the test ran again):`];
      for (const leak of retained) {
        const file = leak.file ? ` (${(0, paths_1.relativePath)(leak.file, cwd)})` : "";
        lines.push(`  ${leak.test}${file}: ${leak.probe} ${(0, thresholds_1.formatValue)(leak.delta, leak.unit)} on first run, then ${(leak.repeats ?? []).map((bytes) => (0, thresholds_1.formatValue)(bytes, leak.unit)).join(", ")}`);
      }
      return lines;
    }
    function knownLines(report, cwd) {
      const known = report.known ?? [];
      if (known.length === 0)
        return [];
      const lines = [`leakguard: ${count(known.length, "known leak")} (listed in the baseline), not failing:`];
      for (const leak of known) {
        lines.push(`  ${unitHeader(leak.kind, leak.test, leak.file, cwd)}: ${leak.probe} +${(0, thresholds_1.formatValue)(leak.delta, leak.unit)}`);
      }
      return lines;
    }
    function maxItemsShown(options) {
      const max = options.maxItemsShown ?? DEFAULT_MAX_ITEMS_SHOWN;
      return Number.isFinite(max) ? Math.max(0, Math.floor(max)) : DEFAULT_MAX_ITEMS_SHOWN;
    }
    function noLeaksLine(report) {
      const hooks = report.hooks > 0 ? ` and ${count(report.hooks, "hook")}` : "";
      const probes = report.probes.map((probe) => probe.name).join(", ");
      const fresh = (report.known ?? []).length > 0 ? "new " : "";
      return `leakguard: no ${fresh}leaks in ${count(report.tests, "test")}${hooks}${probes ? ` (${probes})` : ""}`;
    }
    function leakLines(units, cwd, style, maxItems) {
      const lines = [`leakguard: ${leakingUnits(units)} left resources behind`];
      for (const unit of units) {
        lines.push("", style.red(unitHeader(unit.kind, unit.title, unit.file, cwd)), ...unitLeakLines(unit.leaks, cwd, style, maxItems));
      }
      lines.push("");
      return lines;
    }
    function formatTestFailure(leaks, options) {
      const what = [...new Set(leaks.map((leak) => leak.probe))].join(", ");
      const lines = unitLeakLines(leaks, options.cwd, PLAIN, maxItemsShown(options));
      return [`leakguard: this test leaked (${what})`, ...lines.map((line) => `   ${line}`)].join("\n");
    }
    function unitLeakLines(leaks, cwd, style, maxItems) {
      const lines = [];
      const hinted = /* @__PURE__ */ new Set();
      for (const leak of leaks) {
        lines.push(probeLine(leak), ...itemLines(leak, cwd, maxItems), ...growthLines(leak, cwd));
        if (leak.hint && !hinted.has(leak.probe)) {
          hinted.add(leak.probe);
          lines.push(...hintLines((0, paths_1.relativePathsIn)(leak.hint, cwd)).map(style.dim));
        }
      }
      return lines;
    }
    function groupByUnit(leaks) {
      const units = /* @__PURE__ */ new Map();
      for (const leak of leaks) {
        const key = JSON.stringify([leak.kind, leak.test, leak.file ?? null]);
        let unit = units.get(key);
        if (!unit) {
          unit = { kind: leak.kind, title: leak.test, file: leak.file, leaks: [] };
          units.set(key, unit);
        }
        unit.leaks.push(leak);
      }
      return [...units.values()];
    }
    function leakingUnits(units) {
      const { tests, hooks, files } = countByKind(units);
      const parts = [];
      if (tests > 0)
        parts.push(count(tests, "test"));
      if (hooks > 0)
        parts.push(count(hooks, "hook"));
      if (files > 0)
        parts.push(`the tests of ${count(files, "file")} together`);
      return parts.join(" and ");
    }
    function countByKind(units) {
      const of = (kind) => units.filter((unit) => unit.kind === kind).length;
      return { tests: of("test"), hooks: of("hook"), files: of("file") };
    }
    function unitHeader(kind, unitTitle, unitFile, cwd) {
      const file = unitFile ? (0, paths_1.relativePath)(unitFile, cwd) : void 0;
      if (kind === "file")
        return `file: ${file ?? "(no file)"}, its tests together`;
      const title = kind === "hook" ? `hook: ${unitTitle}` : unitTitle;
      return file ? `${title} (${file})` : title;
    }
    function probeLine(leak) {
      const sign = leak.delta >= 0 ? "+" : "";
      const threshold = (0, thresholds_1.formatValue)(leak.threshold, leak.unit);
      const repeats = leak.repeats?.length ? `, then +${leak.repeats.map((growth) => (0, thresholds_1.formatValue)(growth, leak.unit)).join(", +")} when run again` : "";
      if (leak.kind === "file") {
        return `  ${leak.probe}  ${sign}${(0, thresholds_1.formatValue)(leak.delta, leak.unit)} over ${count(leak.units ?? 0, "test and hook", "tests and hooks")} (file threshold ${threshold})`;
      }
      return `  ${leak.probe}  ${sign}${(0, thresholds_1.formatValue)(leak.delta, leak.unit)}${repeats} (threshold ${threshold})`;
    }
    var GROWTH_TYPES_SHOWN = 3;
    var GROWTH_SHARE_SHOWN = 0.05;
    var RETAINER_PREFIX = `${ITEM_INDENT}retained by: `;
    function growthLines(leak, cwd) {
      const lines = [];
      const growth = leak.growthByType ?? [];
      if (growth.length > 0) {
        const total = growth.reduce((sum, entry) => sum + entry.bytes, 0);
        const shown = growth.filter((entry, index) => index === 0 || index < GROWTH_TYPES_SHOWN && entry.bytes >= total * GROWTH_SHARE_SHOWN);
        const types = shown.map((entry) => `+${entry.count.toLocaleString("en-US")} ${oneLine(String(entry.type))} (${(0, thresholds_1.formatBytes)(entry.bytes)})`);
        lines.push(`${ITEM_INDENT}grew: ${types.join(", ")}`);
      }
      const steps = (leak.retainerPath ?? []).map((step) => oneLine((0, paths_1.relativePathsIn)(String(step), cwd)));
      if (steps.length > 0) {
        const continuation = " ".repeat(RETAINER_PREFIX.length);
        const wrapped = [];
        let line = "";
        for (const step of steps) {
          const next = line === "" ? step : `${line} -> ${step}`;
          if (line !== "" && RETAINER_PREFIX.length + next.length > LINE_WIDTH) {
            wrapped.push(`${line} ->`);
            line = step;
          } else {
            line = next;
          }
        }
        wrapped.push(line);
        lines.push(...wrapped.map((text, index) => (index === 0 ? RETAINER_PREFIX : continuation) + text));
      }
      return lines;
    }
    function itemLines(leak, cwd, maxItems) {
      const shown = mostUsefulFirst(leak.items).slice(0, maxItems);
      const lines = shown.flatMap((item) => describeItem(item, cwd));
      const hidden = Math.max(leak.items.length, leak.itemsTotal ?? 0) - shown.length;
      if (hidden > 0)
        lines.push(`${ITEM_INDENT}\u2026 and ${hidden} more`);
      return lines;
    }
    function mostUsefulFirst(items) {
      return [...items].sort((a, b) => Number(hasStack(b)) - Number(hasStack(a)) || sizeOf(b) - sizeOf(a));
    }
    function hasStack(item) {
      return Array.isArray(item.stack) && item.stack.length > 0;
    }
    function sizeOf(item) {
      return typeof item.size === "number" && Number.isFinite(item.size) ? item.size : -1;
    }
    function describeItem(item, cwd) {
      const label = String(item.label);
      let text = ITEM_INDENT + truncateMiddle(oneLine((0, paths_1.relativePathsIn)(label, cwd)), MAX_LABEL_LENGTH);
      if (typeof item.path === "string" && !label.includes(item.path)) {
        text += ` ${truncateMiddle(oneLine((0, paths_1.relativePath)(item.path, cwd)), MAX_LABEL_LENGTH)}`;
      }
      if (sizeOf(item) >= 0)
        text += ` (${(0, thresholds_1.formatBytes)(sizeOf(item))})`;
      const top = hasStack(item) ? (0, stack_frames_1.projectFrame)((item.stack ?? []).map(String)) : void 0;
      if (top === void 0)
        return [text];
      const created = `created at ${formatFrame(String(top), cwd)}`;
      const oneLiner = `${text}, ${created}`;
      return oneLiner.length <= LINE_WIDTH ? [oneLiner] : [text, `${ITEM_INDENT}  ${created}`];
    }
    function formatFrame(frame, cwd) {
      const text = oneLine((0, paths_1.relativePathsIn)(frame, cwd)).replace(/^at\s+/, "");
      const call = /^(.+?) \((.+)\)$/.exec(text);
      return call ? `${call[2]} (${call[1]})` : text;
    }
    function hintLines(hint) {
      const continuation = " ".repeat(HINT_PREFIX.length);
      return wrap(oneLine(hint), LINE_WIDTH - HINT_PREFIX.length).map((line, index) => (index === 0 ? HINT_PREFIX : continuation) + line);
    }
    function wrap(text, width) {
      const lines = [];
      let line = "";
      for (const word of text.split(" ")) {
        if (line && line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else {
          line = line ? `${line} ${word}` : word;
        }
      }
      if (line)
        lines.push(line);
      return lines;
    }
    function totalsLine(report, units, updatingBaseline) {
      const { tests, hooks, files } = countByKind(units);
      const where = [];
      if (tests > 0)
        where.push(`${tests} of ${count(report.tests, "test")}`);
      if (hooks > 0)
        where.push(`${hooks} of ${count(report.hooks, "hook")}`);
      if (files > 0)
        where.push(count(files, "file"));
      const byProbe = new Map(report.probes.map((probe) => [probe.name, 0]));
      for (const leak of report.leaks)
        byProbe.set(leak.probe, (byProbe.get(leak.probe) ?? 0) + 1);
      for (const [probe, leaks] of byProbe)
        if (leaks === 0)
          byProbe.delete(probe);
      const probes = [...byProbe].map(([probe, leaks]) => `${probe}: ${leaks}`).join(", ");
      const outcome = updatingBaseline ? "writing the baseline: nothing fails" : report.mode === "fail" ? "mode fail: the run fails" : "mode warn: exit code unchanged";
      return `leakguard: ${count(report.leaks.length, "leak")} in ${where.join(" and ")} (${probes}) \u2014 ${outcome}`;
    }
    function count(n, noun, plural = `${noun}s`) {
      return `${n} ${n === 1 ? noun : plural}`;
    }
    function oneLine(text) {
      return text.replace(/\s+/g, " ").trim();
    }
    function truncateMiddle(text, max) {
      if (text.length <= max)
        return text;
      const head = Math.ceil((max - 1) / 2);
      return `${text.slice(0, head)}\u2026${text.slice(text.length - (max - 1 - head))}`;
    }
  }
});

// dist/report/json.js
var require_json = __commonJS({
  "dist/report/json.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.toJsonReport = toJsonReport;
    exports2.writeJsonReportSync = writeJsonReportSync;
    exports2.writeJsonFileSync = writeJsonFileSync;
    var node_crypto_1 = require("node:crypto");
    var fs = __importStar(require("node:fs"));
    var node_path_1 = require("node:path");
    var paths_1 = require_paths();
    function toJsonReport(report, cwd) {
      return {
        ...report,
        tool: { ...report.tool },
        leaks: report.leaks.map((leak) => relativeLeak(leak, cwd)),
        retainedOnce: report.retainedOnce.map((leak) => relativeLeak(leak, cwd)),
        known: report.known.map((leak) => relativeLeak(leak, cwd)),
        probes: report.probes.map((probe) => ({ ...probe })),
        faults: report.faults.map((fault) => ({ ...fault }))
      };
    }
    function relativeLeak(leak, cwd) {
      const copy = { ...leak, items: leak.items.map((item) => relativeItem(item, cwd)) };
      if (leak.file !== void 0)
        copy.file = (0, paths_1.relativePath)(leak.file, cwd);
      if (leak.growthByType)
        copy.growthByType = leak.growthByType.map((entry) => ({ ...entry }));
      if (leak.retainerPath)
        copy.retainerPath = leak.retainerPath.map((step) => (0, paths_1.relativePathsIn)(step, cwd));
      return copy;
    }
    function relativeItem(item, cwd) {
      const copy = { ...item };
      if (typeof item.path === "string")
        copy.path = (0, paths_1.relativePath)(item.path, cwd);
      if (Array.isArray(item.stack))
        copy.stack = item.stack.map((frame) => (0, paths_1.relativePathsIn)(frame, cwd));
      return copy;
    }
    function writeJsonReportSync(path, report) {
      try {
        writeJsonFileSync(path, report);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`leakguard: could not write the JSON report to ${path}: ${reason}`, { cause: error });
      }
    }
    function writeJsonFileSync(path, value) {
      const directory = (0, node_path_1.dirname)(path);
      const temp = (0, node_path_1.join)(directory, `.${(0, node_path_1.basename)(path)}.${process.pid}.${(0, node_crypto_1.randomBytes)(4).toString("hex")}.tmp`);
      let created = false;
      try {
        fs.mkdirSync(directory, { recursive: true });
        const fd = fs.openSync(temp, "wx");
        created = true;
        try {
          fs.writeFileSync(fd, `${JSON.stringify(value, null, 2)}
`);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        fs.renameSync(temp, path);
      } catch (error) {
        if (created)
          removeQuietly(temp);
        throw error;
      }
    }
    function removeQuietly(file) {
      try {
        fs.rmSync(file, { force: true });
      } catch {
      }
    }
  }
});

// dist/report/baseline-file.js
var require_baseline_file2 = __commonJS({
  "dist/report/baseline-file.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.baselineOf = baselineOf;
    exports2.writeBaselineSync = writeBaselineSync;
    var path = __importStar(require("node:path"));
    var baseline_1 = require_baseline();
    var stack_frames_1 = require_stack_frames();
    var json_1 = require_json();
    var paths_1 = require_paths();
    var MAX_WHAT = 3;
    function baselineOf(leaks, baseDir) {
      const entries = /* @__PURE__ */ new Map();
      for (const leak of leaks) {
        const entry = { kind: leak.kind, test: leak.test, probe: leak.probe };
        if (leak.file)
          entry.file = portable((0, paths_1.relativePath)(path.resolve(baseDir, leak.file), baseDir));
        const what = leak.items.slice(0, MAX_WHAT).map((item) => describe(item, baseDir));
        if (what.length > 0)
          entry.what = what;
        entries.set((0, baseline_1.entryKey)(entry), entry);
      }
      const sorted = [...entries.values()].sort((a, b) => compare(a.file ?? "", b.file ?? "") || compare(a.test, b.test) || compare(a.probe, b.probe));
      return { version: baseline_1.BASELINE_VERSION, leaks: sorted };
    }
    function writeBaselineSync(file, leaks) {
      const baseline = baselineOf(leaks, path.dirname(file));
      (0, json_1.writeJsonFileSync)(file, baseline);
      return baseline;
    }
    function describe(item, baseDir) {
      const frame = Array.isArray(item.stack) ? (0, stack_frames_1.projectFrame)(item.stack.map(String)) : void 0;
      const where = frame === void 0 ? "" : `, created at ${frame}`;
      return (0, paths_1.relativePathsIn)(`${String(item.label)}${where}`, baseDir);
    }
    function portable(file) {
      return file.split(path.sep).join("/");
    }
    function compare(a, b) {
      return a < b ? -1 : a > b ? 1 : 0;
    }
  }
});

// dist/mocha/parallel.js
var require_parallel = __commonJS({
  "dist/mocha/parallel.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.RUN_PID_ENV = exports2.RUN_DIR_ENV = void 0;
    exports2.inParallelWorker = inParallelWorker;
    exports2.createRunDir = createRunDir;
    exports2.writePartialReport = writePartialReport;
    exports2.collectPartialReports = collectPartialReports;
    var fs = __importStar(require("node:fs"));
    var os = __importStar(require("node:os"));
    var path = __importStar(require("node:path"));
    exports2.RUN_DIR_ENV = "LEAKGUARD_RUN_DIR";
    exports2.RUN_PID_ENV = "LEAKGUARD_RUN_PID";
    function inParallelWorker() {
      if (process.env[exports2.RUN_DIR_ENV] === void 0)
        return false;
      const main = process.env[exports2.RUN_PID_ENV];
      return process.env.MOCHA_WORKER_ID !== void 0 || main !== void 0 && main !== String(process.pid);
    }
    function createRunDir() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leakguard-run-"));
      process.env[exports2.RUN_DIR_ENV] = dir;
      process.env[exports2.RUN_PID_ENV] = String(process.pid);
      return dir;
    }
    var written = 0;
    function writePartialReport(report) {
      const dir = process.env[exports2.RUN_DIR_ENV];
      if (!dir)
        return;
      const name = `${process.pid}-${++written}`;
      const temporary = path.join(dir, `.${name}.tmp`);
      fs.writeFileSync(temporary, JSON.stringify(report));
      fs.renameSync(temporary, path.join(dir, `${name}.json`));
    }
    function collectPartialReports(dir) {
      try {
        const names = fs.readdirSync(dir).filter((name) => name.endsWith(".json"));
        names.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
        return names.map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        delete process.env[exports2.RUN_DIR_ENV];
        delete process.env[exports2.RUN_PID_ENV];
      }
    }
  }
});

// dist/mocha/finish.js
var require_finish = __commonJS({
  "dist/mocha/finish.js"(exports2) {
    "use strict";
    var __createBinding = exports2 && exports2.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports2 && exports2.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports2 && exports2.__importStar || /* @__PURE__ */ (function() {
      var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function(o2) {
          var ar = [];
          for (var k in o2) if (Object.prototype.hasOwnProperty.call(o2, k)) ar[ar.length] = k;
          return ar;
        };
        return ownKeys(o);
      };
      return function(mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) {
          for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        }
        __setModuleDefault(result, mod);
        return result;
      };
    })();
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.UPDATE_BASELINE_ENV = void 0;
    exports2.finishRun = finishRun;
    exports2.buildReport = buildReport;
    exports2.updatingBaseline = updatingBaseline;
    exports2.publishReport = publishReport;
    exports2.writeLine = writeLine;
    var fs = __importStar(require("node:fs"));
    var path = __importStar(require("node:path"));
    var leak_store_1 = require_leak_store();
    var json_1 = require_json();
    var baseline_file_1 = require_baseline_file2();
    var paths_1 = require_paths();
    var summary_12 = require_summary();
    var parallel_12 = require_parallel();
    var finished = /* @__PURE__ */ new WeakSet();
    function finishRun(guard, config2) {
      if (finished.has(guard))
        return;
      finished.add(guard);
      const { store, faults, measuredBy } = guard.findings;
      const report = buildReport(config2, store, faults, measuredBy);
      if ((0, parallel_12.inParallelWorker)()) {
        try {
          (0, parallel_12.writePartialReport)(report);
        } catch (error) {
          writeLine(`leakguard: could not pass this worker's findings on: ${error instanceof Error ? error.message : String(error)}`);
        }
      } else {
        publishReport(report, config2);
      }
    }
    function buildReport(config2, store = new leak_store_1.LeakStore(), faults = [], measuredBy) {
      const probes = measuredBy ? config2.probes.filter(({ definition }) => measuredBy.includes(definition.name)) : config2.probes;
      return store.toReport({
        tool: { name: "leakguard", version: packageVersion() },
        mode: config2.mode,
        probes: probes.map(({ definition, threshold }) => ({ name: definition.name, unit: definition.unit, threshold })),
        faults
      });
    }
    exports2.UPDATE_BASELINE_ENV = "LEAKGUARD_UPDATE_BASELINE";
    function updatingBaseline() {
      const value = process.env[exports2.UPDATE_BASELINE_ENV];
      return value !== void 0 && value !== "" && value !== "0" && value !== "false";
    }
    function publishReport(report, config2) {
      const cwd = process.cwd();
      writeLine((0, summary_12.formatSummary)(report, { cwd, color: useColor(), updatingBaseline: updatingBaseline() }));
      if (config2.reportJson) {
        try {
          (0, json_1.writeJsonReportSync)(config2.reportJson, (0, json_1.toJsonReport)(report, cwd));
        } catch (error) {
          writeLine(`leakguard: could not write the JSON report: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (updatingBaseline())
        updateBaseline(report, config2);
    }
    function updateBaseline(report, config2) {
      if (!config2.baseline) {
        writeLine(`leakguard: ${exports2.UPDATE_BASELINE_ENV} is set, but the config names no baseline file: add "baseline": "leakguard-baseline.json" to it.`);
        return;
      }
      try {
        const { leaks } = (0, baseline_file_1.writeBaselineSync)(config2.baseline, [...report.known, ...report.leaks]);
        writeLine(`leakguard: wrote ${leaks.length} known leak${leaks.length === 1 ? "" : "s"} to the baseline ${(0, paths_1.relativePath)(config2.baseline, process.cwd())}`);
      } catch (error) {
        writeLine(`leakguard: could not write the baseline: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    function writeLine(text) {
      try {
        fs.writeSync(2, text.endsWith("\n") ? text : `${text}
`);
      } catch {
      }
    }
    function useColor() {
      if (process.env.NO_COLOR !== void 0 || process.env.FORCE_COLOR === "0")
        return false;
      return process.stderr.isTTY === true || process.env.FORCE_COLOR !== void 0 && process.env.FORCE_COLOR !== "";
    }
    var version;
    function packageVersion() {
      if (version)
        return version;
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
        version = manifest.version ?? "0.0.0";
      } catch {
        version = "0.0.0";
      }
      return version;
    }
  }
});

// dist/mocha/watch.js
var require_watch = __commonJS({
  "dist/mocha/watch.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.isWatchSetup = isWatchSetup;
    exports2.afterRunEnds = afterRunEnds;
    exports2.onParallelReruns = onParallelReruns;
    function isWatchSetup(context) {
      return typeof context?.run !== "function";
    }
    function afterRunEnds(lastHook, then) {
      const next = () => queueMicrotask(then);
      lastHook.then(next, next);
    }
    function onParallelReruns(begins, ends) {
      const classes = /* @__PURE__ */ new Set();
      for (const entry of Object.values(require.cache)) {
        if (entry && /[\\/]mocha[\\/]lib[\\/]mocha\.c?js$/.test(entry.filename))
          classes.add(entry.exports);
      }
      let found = false;
      for (const Mocha of classes) {
        const prototype = Mocha?.prototype;
        const original = prototype?.run;
        if (!prototype || typeof original !== "function")
          continue;
        found = true;
        prototype.run = function watchedRun(...args) {
          if (this.options?.parallel !== true)
            return original.apply(this, args);
          begins();
          const runner = original.apply(this, args);
          runner.once("end", ends);
          return runner;
        };
      }
      return found;
    }
  }
});

// dist/mocha/register.js
Object.defineProperty(exports, "__esModule", { value: true });
exports.mochaHooks = void 0;
exports.mochaGlobalSetup = mochaGlobalSetup;
exports.mochaGlobalTeardown = mochaGlobalTeardown;
var config_1 = require_config();
var report_merge_1 = require_report_merge();
var creation_sites_1 = require_creation_sites();
var guard_1 = require_guard();
var summary_1 = require_summary();
var finish_1 = require_finish();
var parallel_1 = require_parallel();
var uncaught_1 = require_uncaught();
var watch_1 = require_watch();
(0, creation_sites_1.trackCreationSites)();
var config;
var current;
var runDir;
var watching = false;
var warned = /* @__PURE__ */ new Set();
var output = {
  warn(message) {
    if (warned.has(message))
      return;
    warned.add(message);
    (0, finish_1.writeLine)(`leakguard: ${message}`);
  }
};
async function loadOnce() {
  if (config)
    return config;
  try {
    const loaded = await (0, config_1.loadConfig)(process.cwd());
    config = loaded;
    return loaded;
  } catch (error) {
    if (error instanceof config_1.ConfigError) {
      (0, finish_1.writeLine)(error.message);
      process.exit(1);
    }
    throw error;
  }
}
async function reloadConfig(inUse) {
  try {
    config = await (0, config_1.loadConfig)(process.cwd());
    return config;
  } catch (error) {
    const message = error instanceof config_1.ConfigError ? error.message : `leakguard: could not load the config: ${error instanceof Error ? error.message : String(error)}`;
    (0, finish_1.writeLine)(`${message} (this rerun keeps the config it had)`);
    return inUse;
  }
}
function rootHooks(resolved) {
  let ownAfterAll;
  const hooks = {
    async beforeAll() {
      this.timeout(0);
      const self = this.test;
      const root = self?.parent;
      if (!self || !root)
        return;
      if (watching) {
        warned.clear();
        resolved = await reloadConfig(resolved);
      }
      ownAfterAll = root._afterAll.find((hook) => hook.title.startsWith('"after all" hook: leakguard'));
      const own = new Set(Object.values(hooks));
      for (const hook of [...root._beforeEach, ...root._afterEach])
        if (own.has(hook.fn))
          hook.timeout(0);
      const guard = new guard_1.RunGuard(resolved, output, (hook) => own.has(hook.fn));
      current = guard;
      if (ownAfterAll)
        await guard.start(root, self, ownAfterAll);
    },
    async beforeEach() {
      const test = this.currentTest;
      const guard = current;
      if (!test || !guard)
        return;
      await (0, uncaught_1.holdingUncaught)(() => guard.testBegins(test));
      (0, uncaught_1.rethrowWhenRunning)(test, (0, uncaught_1.takeHeldErrors)());
    },
    async afterEach() {
      const test = this.currentTest;
      const guard = current;
      if (!test || !guard)
        return;
      let leaks = [];
      await (0, uncaught_1.holdingUncaught)(async () => {
        leaks = await guard.testEnds(test);
      });
      if (leaks.length > 0 && failingAt(resolved) === "test" && test.state === "passed") {
        failTest(this.test, leaks);
      }
    },
    async afterAll() {
      this.timeout(0);
      (0, uncaught_1.failCurrentTest)((0, uncaught_1.takeHeldErrors)(), this.test);
      const guard = current;
      if (!guard)
        return;
      const leaks = await guard.end(this.test?.parent);
      if ((0, parallel_1.inParallelWorker)())
        (0, finish_1.finishRun)(guard, resolved);
      const failing = failingAt(resolved);
      const unfailed = failing === "test" ? leaks.filter((leak) => leak.kind !== "test") : failing === "end" ? leaks : [];
      if (unfailed.length > 0) {
        const leaksFound = `${unfailed.length} leak${unfailed.length === 1 ? "" : "s"}${failing === "test" ? " outside tests" : ""}`;
        throw new Error(`leakguard found ${leaksFound} (mode "fail"); see the leak summary below the test results.`);
      }
    }
  };
  const endRun = hooks.afterAll;
  hooks.afterAll = function afterAll() {
    const guard = current;
    const ending = endRun.call(this);
    if (watching && guard && !(0, parallel_1.inParallelWorker)()) {
      (0, watch_1.afterRunEnds)(ending, () => {
        (0, finish_1.finishRun)(guard, resolved);
        if (current === guard)
          current = void 0;
      });
    }
    return ending;
  };
  return hooks;
}
function failingAt(resolved) {
  if (resolved.mode !== "fail" || (0, finish_1.updatingBaseline)())
    return void 0;
  return resolved.failAt;
}
function failTest(ownHook, leaks) {
  const message = (0, summary_1.formatTestFailure)(leaks, { cwd: process.cwd() });
  const error = new Error(message);
  error.name = "LeakError";
  error.stack = `${error.name}: ${message}`;
  (0, uncaught_1.failCurrentTest)([error], ownHook);
}
var mochaHooks = async () => {
  const resolved = await loadOnce();
  const hooks = rootHooks(resolved);
  for (const hook of Object.values(hooks))
    named("leakguard", hook);
  return hooks;
};
exports.mochaHooks = mochaHooks;
function mochaGlobalSetup() {
  if ((0, watch_1.isWatchSetup)(this)) {
    watching = true;
    (0, watch_1.onParallelReruns)(beginParallelRun, publishParallelRun);
  } else if (typeof this?.isParallelMode === "function" && this.isParallelMode()) {
    runDir = (0, parallel_1.createRunDir)();
  }
}
function beginParallelRun() {
  if (runDir)
    (0, parallel_1.collectPartialReports)(runDir);
  runDir = (0, parallel_1.createRunDir)();
}
function publishParallelRun() {
  if (!runDir || !config)
    return;
  const partials = (0, parallel_1.collectPartialReports)(runDir);
  runDir = void 0;
  const [first, ...rest] = partials;
  (0, finish_1.publishReport)(first ? (0, report_merge_1.mergeReports)(first, ...rest) : (0, finish_1.buildReport)(config), config);
}
async function mochaGlobalTeardown() {
  if (!config)
    return;
  if (runDir) {
    publishParallelRun();
    return;
  }
  const guard = current;
  if (!guard) {
    if (!watching)
      (0, finish_1.publishReport)((0, finish_1.buildReport)(config), config);
    return;
  }
  await guard.end(void 0);
  (0, finish_1.finishRun)(guard, config);
}
process.on("exit", () => {
  if (current && config)
    (0, finish_1.finishRun)(current, config);
});
function named(name, fn) {
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

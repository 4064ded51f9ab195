import { resolve } from 'node:path';
import { MeshSimulatorOptions } from '../meshSimulator';
import { maxPodChangesPerSecond } from '../churn/churnGenerator';
import { bundledScenarios } from '../scenarios/scenarioSources';

/** The usage text of `mesh-sim`. */
export const usage = `Usage: mesh-sim serve --scenario <seed|demo|shapes|real-lab|gateway-api|FILE|fleet:CxP> [--scenario ...]
                     [--host 127.0.0.1] [--port 6443] [--kubeconfig FILE]
                     [--state-dir DIR] [--speed N] [--token-seed SEED] [--history N]
                     [--history-budget N] [--churn POD_CHANGES_PER_SECOND] [--event-ttl 1h]
       mesh-sim serve --help`;

/**
 * Parses a duration as kube-apiserver's flags take them (Go's syntax: "1h", "30m", "90s",
 * "1h30m", "500ms") into seconds; a bare number is seconds.
 */
export function parseDurationSeconds(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const part = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
  let seconds = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) throw new Error(`not a duration: ${text}`);
    seconds += Number(m[1]) * units[m[2]];
    at = part.lastIndex;
  }
  if (text.length === 0) throw new Error('not a duration: (empty)');
  return seconds;
}

/** Thrown by {@link parseServeArguments} for `--help` or `-h`: print the usage and exit 0. */
export class HelpRequested extends Error {
  constructor() {
    super('help requested');
  }
}

/**
 * Parses `serve` arguments into simulator options; throws with a message for bad input.
 */
export function parseServeArguments(
  args: string[],
  cwd: string,
): MeshSimulatorOptions & { stateDir: string } {
  const scenarios: string[] = [];
  let host = '127.0.0.1';
  let port = 6443;
  let speed = 1;
  let stateDir = resolve(cwd, '.mesh-sim');
  let kubeconfigPath: string | undefined;
  let tokenSeed: string | undefined;
  let historyWindow: number | undefined;
  let historyBudget: number | undefined;
  let churnPodChangesPerSecond: number | undefined;
  let eventTtlSeconds: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1);
      const next = args[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    const number = (text: string, what: string, min: number) => {
      const n = Number(text);
      if (!Number.isFinite(n) || n < min)
        throw new Error(`${what} must be a number >= ${min}, got ${text}`);
      return n;
    };
    switch (flag) {
      case '--help':
      case '-h':
        throw new HelpRequested();
      case '--scenario':
        scenarios.push(
          ...value()
            .split(',')
            .map(s => s.trim())
            .filter(Boolean),
        );
        break;
      case '--host':
        host = value();
        break;
      case '--port':
        port = number(value(), '--port', 0);
        break;
      case '--speed':
        speed = number(value(), '--speed', Number.MIN_VALUE);
        break;
      case '--state-dir':
        stateDir = resolve(cwd, value());
        break;
      case '--kubeconfig':
        kubeconfigPath = resolve(cwd, value());
        break;
      case '--token-seed':
        tokenSeed = value();
        break;
      case '--history':
        historyWindow = number(value(), '--history', 1);
        break;
      case '--history-budget':
        historyBudget = number(value(), '--history-budget', 1);
        break;
      case '--churn':
        churnPodChangesPerSecond = number(value(), '--churn', 0);
        if (
          churnPodChangesPerSecond === 0 ||
          churnPodChangesPerSecond > maxPodChangesPerSecond
        ) {
          throw new Error(
            `--churn must be above 0 and at most ${maxPodChangesPerSecond}, got ${churnPodChangesPerSecond}`,
          );
        }
        break;
      case '--event-ttl': {
        const text = value();
        eventTtlSeconds = parseDurationSeconds(text);
        if (!(eventTtlSeconds > 0)) {
          throw new Error(`--event-ttl must be above 0, got ${text}`);
        }
        break;
      }
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  if (scenarios.length === 0) {
    throw new Error('at least one --scenario is required');
  }
  return {
    scenarios: scenarios.map(s =>
      bundledScenarios.includes(s) || s.startsWith('fleet:')
        ? s
        : resolve(cwd, s),
    ),
    host,
    port,
    speed,
    stateDir,
    kubeconfigPath,
    tokenSeed,
    historyWindow,
    historyBudget,
    churnPodChangesPerSecond,
    eventTtlSeconds,
  };
}

// Runner wiring: the worker's ports (runbooks, processes, alert files, AKS login) and settings, from the config.
import { createAksLogin } from './adapters/aks-login';
import { createAlertFile } from './adapters/alert-file';
import { runProcess } from './adapters/process-runner';
import { resolveRunbook } from './adapters/runbook-resolver';
import type { CloudoConfig } from './config';
import type { RunnerSettings } from './services/execute-runbook';
import type { RunnerPorts } from './services/runner-ports';

export function runnerPorts(config: CloudoConfig): RunnerPorts {
  return {
    locate: (runbook: string) => resolveRunbook(config.runbooksDir, runbook),
    run: runProcess,
    alertFile: createAlertFile,
    aksLogin: createAksLogin(runProcess),
  };
}

export function runnerSettings(config: CloudoConfig, secrets: RunnerSettings['secrets']): RunnerSettings {
  return {
    secrets,
    runbooksDir: config.runbooksDir,
    baseEnv: config.runbookBaseEnv,
    interpreters: { bash: config.bash, python: config.python },
    killGraceSeconds: config.killGraceSeconds,
    maxOutputBytes: config.maxOutputBytes,
  };
}

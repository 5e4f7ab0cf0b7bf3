// Worker-thread entry: runs anomaly tasks off the main event loop (see esd-runner.ts).
import { parentPort } from 'node:worker_threads';
import { type AnomalyTask, type AnomalyTaskResult, runAnomalyTask } from './anomaly-task.ts';

export interface EsdRequest {
  id: number;
  tasks: AnomalyTask[];
}
export type EsdResponse = { id: number; results: AnomalyTaskResult[] } | { id: number; error: string };

parentPort?.on('message', (req: EsdRequest) => {
  try {
    parentPort?.postMessage({ id: req.id, results: req.tasks.map(runAnomalyTask) } satisfies EsdResponse);
  } catch (err) {
    parentPort?.postMessage({
      id: req.id,
      error: err instanceof Error ? err.message : String(err),
    } satisfies EsdResponse);
  }
});

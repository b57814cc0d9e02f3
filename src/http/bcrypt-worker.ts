/** Runs bcrypt comparisons off the main thread (see bcrypt-pool.ts): one message in, one answer out. */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

export interface CompareRequest {
  password: string;
  hash: string;
}

parentPort?.on('message', ({ password, hash }: CompareRequest) => {
  parentPort?.postMessage(bcrypt.compareSync(password, hash));
});

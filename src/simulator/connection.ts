/**
 * One API session: decodes sentences, logs in, runs commands, applies faults.
 *
 * Protocol behaviour reproduced here, and where it was checked:
 * - Login (post-6.43): `/login =name= =password=` -> `!done`; failure ->
 *   `!trap =message=invalid user name or password (6)` then `!done`.
 * - Legacy MD5 login (pre-6.43): `/login` -> `!done =ret=<32 hex>`; then
 *   `/login =name= =response=00<md5hex(0x00 + password + challenge)>`; a bad
 *   response gets `!trap =message=cannot log in` (librouteros docs/api_analysis.rst).
 * - `/quit` -> `!fatal` with the bare word `session terminated on request`, then
 *   the router closes (librouteros api_analysis.rst).
 * - `/cancel =tag=N` -> `!trap =category=2 =message=interrupted` tagged N, `!done`
 *   for the cancel, then `!done` tagged N (same source, captured traffic).
 * - `.tag=` is echoed right after the reply word of every sentence of that
 *   command (same source); `!empty` is tagged too (`[b'!empty', b'.tag=5']` in
 *   socialwifi/RouterOS-api issue #102).
 * - RouterOS >= 7.18 answers a print with no rows `!empty` then `!done`
 *   (changelog 7.18 "console - put !empty sentence when API query returns
 *   nothing"; captured sequence in pear2/Net_RouterOS PR #80). Older: `!done` only.
 * - An unknown menu gets `!trap =message=no such command prefix` then `!done`.
 *   Whether a real router adds `=category=` here was not found; we send none.
 * - A command before login: `!fatal` `not logged in`, then close (as reported in
 *   client notes found by the search; not confirmed against a router).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { FramingError, SentenceCollector } from '../routeros/codec.js';
import type { SimulatorCore } from './core.js';
import { DEFAULT_GARBAGE, type FaultSettings, HUGE_WORD_PREFIX } from './faults.js';
import { compileQuery, QueryError } from './query.js';
import { ReplyBuilder } from './reply.js';
import { isKnownMenu, type PrintRequest, printReply } from './tables.js';

export interface PendingCommand {
  tag: string | null;
  timer: NodeJS.Timeout | null;
}

export class SimConnection {
  readonly id: number;
  /** Overrides of the global faults for this connection only. */
  faults: Partial<FaultSettings> = {};
  loggedIn = false;
  user: string | null = null;
  readonly remotePort: number | undefined;
  private readonly decoder = new SentenceCollector();
  private challenge: Buffer | null = null;
  private readonly pending = new Set<PendingCommand>();
  private closed = false;

  constructor(
    id: number,
    private readonly socket: Socket,
    private readonly core: SimulatorCore,
  ) {
    this.id = id;
    this.remotePort = socket.remotePort;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.onClose());
  }

  /** Effective faults: this connection's overrides over the global ones. */
  effectiveFaults(): FaultSettings {
    return { ...this.core.faults, ...this.faults };
  }

  destroy(): void {
    if (!this.closed) this.socket.destroy();
    this.onClose();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
    this.core.connectionClosed(this);
  }

  private onData(chunk: Buffer): void {
    let sentences: Buffer[][];
    try {
      sentences = this.decoder.push(chunk);
    } catch (err) {
      // A client that breaks framing gets what a router gives: the connection closed.
      if (err instanceof FramingError) this.destroy();
      return;
    }
    for (const s of sentences) {
      if (this.closed) return;
      this.handle(s);
    }
  }

  private handle(words: Buffer[]): void {
    const command = words[0]!.toString('utf8');
    const args = new Map<string, Buffer>();
    const queryWords: Buffer[] = [];
    let tag: string | null = null;
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      const c = w[0];
      if (c === 0x3d /* = */) {
        const sep = w.indexOf(0x3d, 1);
        if (sep === -1) args.set(w.toString('utf8', 1), Buffer.alloc(0));
        else args.set(w.toString('utf8', 1, sep), w.subarray(sep + 1));
      } else if (c === 0x3f /* ? */) {
        queryWords.push(w);
      } else if (w.toString('latin1', 0, 5) === '.tag=') {
        tag = w.toString('utf8', 5);
      } else if (w.toString('latin1', 0, 10) === '.proplist=') {
        args.set('.proplist', w.subarray(10));
      }
    }
    this.core.recordCommand(this, command, words);

    if (command === '/quit') {
      this.sendAndClose(new ReplyBuilder(64).sentence('!fatal', null, [], ['session terminated on request']));
      return;
    }
    if (command === '/login') {
      this.login(args, tag);
      return;
    }
    if (!this.loggedIn) {
      this.sendAndClose(new ReplyBuilder(64).sentence('!fatal', null, [], ['not logged in']));
      return;
    }
    if (command === '/cancel') {
      this.cancel(args.get('tag')?.toString('utf8') ?? null, tag);
      return;
    }
    this.runCommand(command, args, queryWords, tag);
  }

  // -- login ---------------------------------------------------------------

  private login(args: Map<string, Buffer>, tag: string | null): void {
    const faults = this.effectiveFaults();
    const reply = new ReplyBuilder(128);
    const name = args.get('name')?.toString('utf8');
    if (faults.refuseLogin) {
      this.core.loginFailed(this);
      reply.sentence('!trap', tag, [['message', 'invalid user name or password (6)']]).sentence('!done', tag);
    } else if (this.core.loginMode === 'md5') {
      const response = args.get('response')?.toString('latin1');
      if (response === undefined || name === undefined) {
        // Pre-6.43 routers answer any /login without a response with a challenge,
        // which is how clients that try the plain form first discover MD5.
        this.challenge = randomBytes(16);
        reply.sentence('!done', tag, [['ret', this.challenge.toString('hex')]]);
      } else {
        const user = this.core.users.find((u) => u.name === name);
        const ok = user !== undefined && this.challenge !== null && response === md5Response(user.password, this.challenge);
        this.challenge = null;
        if (ok) {
          this.succeed(name);
          reply.sentence('!done', tag);
        } else {
          this.core.loginFailed(this);
          reply.sentence('!trap', tag, [['message', 'cannot log in']]).sentence('!done', tag);
        }
      }
    } else {
      const password = args.get('password')?.toString('utf8');
      const user = this.core.users.find((u) => u.name === name);
      if (user !== undefined && password !== undefined && user.password === password && name !== undefined) {
        this.succeed(name);
        reply.sentence('!done', tag);
      } else {
        this.core.loginFailed(this);
        reply.sentence('!trap', tag, [['message', 'invalid user name or password (6)']]).sentence('!done', tag);
      }
    }
    this.deliver(reply.toBuffer(), tag, faults, faults.includeLogin);
  }

  private succeed(name: string): void {
    this.loggedIn = true;
    this.user = name;
    this.core.loginSucceeded(this);
  }

  // -- commands ------------------------------------------------------------

  private runCommand(command: string, args: Map<string, Buffer>, queryWords: Buffer[], tag: string | null): void {
    const faults = this.effectiveFaults();
    const slash = command.lastIndexOf('/');
    const menu = slash > 0 ? command.slice(0, slash) : command;
    const verb = command.slice(slash + 1);
    const reply = new ReplyBuilder(256);

    const trapMessage = faults.trapPaths[menu];
    if (trapMessage !== undefined) {
      reply.sentence('!trap', tag, [['message', trapMessage]]).sentence('!done', tag);
    } else if (!isKnownMenu(menu, this.core.tables)) {
      reply.sentence('!trap', tag, [['message', 'no such command prefix']]).sentence('!done', tag);
    } else if (verb !== 'print' && verb !== 'getall') {
      reply.sentence('!trap', tag, [['message', `no such command or directory (${verb})`]]).sentence('!done', tag);
    } else {
      let request: PrintRequest;
      try {
        const proplist = args.get('.proplist');
        request = {
          menu,
          proplist:
            proplist === undefined
              ? null
              : proplist
                  .toString('utf8')
                  .split(',')
                  .filter((p) => p !== ''),
          query: compileQuery(queryWords),
          queryKey: queryWords.map((w) => w.toString('latin1')).join('\n'),
          countOnly: args.has('count-only'),
          tag,
        };
      } catch (err) {
        if (!(err instanceof QueryError)) throw err;
        reply.sentence('!trap', tag, [['message', 'unknown parameter']]).sentence('!done', tag);
        this.deliver(reply.toBuffer(), tag, faults, true);
        return;
      }
      this.deliver(printReply(this.core, request), tag, faults, true);
      return;
    }
    this.deliver(reply.toBuffer(), tag, faults, true);
  }

  private cancel(target: string | null, tag: string | null): void {
    const faults = this.effectiveFaults();
    const reply = new ReplyBuilder(128);
    const victims = [...this.pending].filter((p) => target === null || p.tag === target);
    for (const p of victims) {
      if (p.timer) clearTimeout(p.timer);
      this.pending.delete(p);
      reply.sentence('!trap', p.tag, [
        ['category', '2'],
        ['message', 'interrupted'],
      ]);
    }
    reply.sentence('!done', tag);
    for (const p of victims) reply.sentence('!done', p.tag);
    this.deliver(reply.toBuffer(), tag, faults, true);
  }

  // -- delivery with faults --------------------------------------------------

  private deliver(bytes: Buffer, tag: string | null, faults: FaultSettings, faultable: boolean): void {
    if (faultable && faults.stall) {
      this.pending.add({ tag, timer: null });
      return;
    }
    const send = (): void => {
      if (this.closed) return;
      if (faultable) {
        if (faults.fatal !== null) {
          this.sendAndClose(new ReplyBuilder(64).sentence('!fatal', null, [], [faults.fatal]));
          return;
        }
        if (faults.garbage !== null) {
          this.core.countBytes(faults.garbage.length);
          this.socket.write(faults.garbage);
          return;
        }
        if (faults.hugeWord) {
          this.core.countBytes(HUGE_WORD_PREFIX.length);
          this.socket.write(HUGE_WORD_PREFIX);
          return;
        }
        if (faults.endlessReply && this.sendEndlessly(bytes, tag)) return;
        if (faults.closeAfterBytes !== null) {
          const part = bytes.subarray(0, Math.min(bytes.length, faults.closeAfterBytes));
          this.core.countBytes(part.length);
          // end() (FIN after the data) rather than a reset: a reset could discard the
          // partial reply still in the kernel's send buffer, and the test wants exactly N bytes.
          this.endGracefully(part);
          return;
        }
      }
      this.core.countBytes(bytes.length);
      this.socket.write(bytes);
    };
    if (faults.delayMs > 0) {
      const pending: PendingCommand = { tag, timer: null };
      pending.timer = setTimeout(() => {
        this.pending.delete(pending);
        send();
      }, faults.delayMs);
      this.pending.add(pending);
    } else {
      send();
    }
  }

  /**
   * The reply's rows, over and over, never its closing `!done`; writes only as
   * fast as the socket drains, so the simulator itself stays small. False when
   * the reply has no rows to repeat.
   */
  private sendEndlessly(bytes: Buffer, tag: string | null): boolean {
    const done = new ReplyBuilder(64).sentence('!done', tag).toBuffer();
    const ends = bytes.length > done.length && bytes.subarray(bytes.length - done.length).equals(done);
    const rows = ends ? bytes.subarray(0, bytes.length - done.length) : null;
    if (rows === null || rows.length === 0 || rows.toString('latin1', 1, 4) !== '!re') return false;
    // Several copies per write: fewer, larger writes keep up with a fast reader.
    const block = Buffer.concat(Array.from({ length: Math.max(1, Math.ceil(65_536 / rows.length)) }, () => rows));
    const pump = (): void => {
      while (!this.closed && !this.socket.destroyed) {
        this.core.countBytes(block.length);
        if (!this.socket.write(block)) {
          this.socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
    return true;
  }

  private sendAndClose(reply: ReplyBuilder): void {
    const bytes = reply.toBuffer();
    this.core.countBytes(bytes.length);
    this.endGracefully(bytes);
  }

  /** FIN after the bytes; if the client never closes its side, drop it a little later. */
  private endGracefully(bytes: Buffer): void {
    this.socket.end(bytes);
    const timer = setTimeout(() => this.destroy(), 1000);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }
}

/** The legacy login response: "00" + hex(md5(0x00 + password + challenge)). */
export function md5Response(password: string, challenge: Buffer): string {
  const h = createHash('md5');
  h.update(Buffer.from([0]));
  h.update(Buffer.from(password, 'utf8'));
  h.update(challenge);
  return `00${h.digest('hex')}`;
}

export { DEFAULT_GARBAGE };

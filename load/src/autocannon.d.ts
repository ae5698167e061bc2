// The part of autocannon's programmatic API (https://github.com/mcollina/autocannon#api) the HTTP
// driver uses. autocannon ships no types, and @types/autocannon describes version 7.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  export interface AutocannonRequest {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
  }

  export interface AutocannonClient extends EventEmitter {
    conn: import('node:net').Socket
    /** Private; wrapped to see each socket a connection opens (autocannon 9, lib/httpClient.js). */
    _connect: () => void
  }

  export interface AutocannonOptions {
    url: string | string[]
    connections?: number
    duration?: number
    amount?: number
    timeout?: number
    pipelining?: number
    overallRate?: number
    reconnectRate?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    requests?: AutocannonRequest[]
    setupClient?: (client: AutocannonClient) => void
    skipAggregateResult?: boolean
    excludeErrorStats?: boolean
    ignoreCoordinatedOmission?: boolean
  }

  /** With `skipAggregateResult`: the raw per-run counts (lib/run.js). */
  export interface AutocannonRawResult {
    totalCompletedRequests: number
    totalRequests: number
    totalBytes: number
    errors: number
    timeouts: number
    mismatches: number
    non2xx: number
    resets: number
    '1xx': number
    '2xx': number
    '3xx': number
    '4xx': number
    '5xx': number
    statusCodeStats: Record<string, { count: number }>
    duration: number
    start: Date
    finish: Date
  }

  export interface AutocannonInstance extends EventEmitter {
    stop: () => void
  }

  function autocannon (options: AutocannonOptions, callback: (err: Error | null, result: AutocannonRawResult) => void): AutocannonInstance
  export default autocannon
}

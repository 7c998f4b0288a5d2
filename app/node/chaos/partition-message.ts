/** The IPC message a chaos testnet sends a node's partition preload: the TCP ports it may not reach. */
export const PARTITION_MESSAGE = 'hypermesh-chaos-partition'

export interface PartitionMessage {
  type: typeof PARTITION_MESSAGE
  ports: number[]
}

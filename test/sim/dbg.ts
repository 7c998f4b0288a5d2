import { scenarioFor } from './scenarios'
import { Simulation } from './simulation'
for (const seed of [692, 334]) {
  const c = scenarioFor(seed)
  console.log(JSON.stringify(c))
  const sim = new Simulation(c)
  const r = sim.run()
  console.log(r.heights, r.virtualMs)
  for (const n of sim.nodes) {
    const d = n.driver!
    const m = d.machine as any
    console.log(n.id, d.chain.height, m.height, m.round, m.step, m.lockedRound, m.validRound, JSON.stringify(n.lastSigned && {h: n.lastSigned.height, r: n.lastSigned.round, s: n.lastSigned.step}), 'proposer', d.proposer(m.height, m.round).slice(0,4), d.self?.slice(0,4), [...m.proposals.keys()].join(','))
  }
}

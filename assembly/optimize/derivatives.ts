// The optimiser's per-pair derivatives, exported for the gradient tests (they call the very functions the
// optimiser inlines).

import { attraction, repulsion, nceLogZAttraction, nceLogZRepulsion } from "./losses";

export function attractionCoefficient(loss: i32, d: f32, xi: f32, clamp: f32): f32 {
  return attraction(loss, d, xi, clamp);
}
export function repulsionCoefficient(loss: i32, d: f32, xi: f32, clamp: f32): f32 {
  return repulsion(loss, d, xi, clamp);
}
export function nceLogZGradient(positive: bool, d: f32, xi: f32, clamp: f32): f32 {
  return positive ? nceLogZAttraction(d, xi, clamp) : nceLogZRepulsion(d, xi, clamp);
}

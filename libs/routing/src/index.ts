export { solveVrp, type SolveOptions, type VrpSolution } from './core/hgs.js';
export {
  type VrpInstance,
  type VrpClient,
  type VrpVehicle,
  type VrpWindow,
  type VrpBreak,
  type VrpStart,
} from './core/instance.js';
export { DEFAULT_PARAMETERS, type HgsParameters } from './core/population.js';
export {
  parseTsplib,
  cvrpToVrp,
  verifyCvrpSolution,
  bestKnownFrom,
  TsplibError,
  type CvrpInstance,
} from './tsplib/tsplib.js';
export * from './planner/model.js';
export { planRounds, checkRoute, type PlanOptions, type RouteCheck } from './planner/planner.js';
export { PlanningInputError, validateProblem, type InputIssue } from './planner/validation.js';
export {
  planningLocations,
  greatCircleDistance,
  greatCircleMatrix,
  fetchOsrmMatrix,
  travelMatrix,
  OsrmError,
  type GreatCircleOptions,
  type OsrmOptions,
  type TravelMatrixOptions,
} from './planner/matrix.js';

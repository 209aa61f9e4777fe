/** Body of every app's `GET /api/health` and every service's `GET /health`. */
export interface HealthStatus {
  status: "ok";
}

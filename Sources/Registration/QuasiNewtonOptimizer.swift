import Diagnostics

/// Limited-memory BFGS with a backtracking (Armijo) line search, for the few parameters of a rigid
/// or affine transform.
///
/// Parameters are expected in comparable units (here: millimetres of displacement they cause), so
/// that one step length bounds every parameter's effect; a step never moves further than
/// `maximumStep`, which keeps the first, unscaled steps from jumping out of the capture range.
struct QuasiNewtonOptimizer {
    /// Iterations at most (each one line search).
    var maximumIterations: Int
    /// The length of the first step, and the longest any step may be.
    var maximumStep: Double
    /// Stop once a step is shorter than this.
    var tolerance: Double
    /// Past steps kept for the curvature estimate.
    var memory = 6

    typealias Cost = ([Double]) throws(UVSegError) -> (value: Double, gradient: [Double])

    /// The parameters near `start` that minimise `cost`; `afterIteration` is called after each step.
    func minimize(
        from start: [Double], cost: Cost, afterIteration: () throws(UVSegError) -> Void
    ) throws(UVSegError) -> [Double] {
        var x = start
        var (value, gradient) = try cost(x)
        var steps: [(s: [Double], y: [Double], rho: Double)] = []
        for _ in 0..<maximumIterations {
            var direction = Self.twoLoopDirection(gradient: gradient, history: steps)
            if steps.isEmpty || dot(direction, gradient) >= 0 {
                steps.removeAll()
                let norm = dot(gradient, gradient).squareRoot()
                guard norm > 0 else { break }
                direction = gradient.map { -$0 * maximumStep / norm }
            }
            let length = dot(direction, direction).squareRoot()
            if length > maximumStep { direction = direction.map { $0 * maximumStep / length } }
            let slope = dot(direction, gradient)
            var scale = 1.0
            var accepted: (x: [Double], value: Double, gradient: [Double])?
            for _ in 0..<12 {
                let candidate = zip(x, direction).map { $0 + scale * $1 }
                let (candidateValue, candidateGradient) = try cost(candidate)
                if candidateValue <= value + 1e-4 * scale * slope {
                    accepted = (candidate, candidateValue, candidateGradient)
                    break
                }
                scale /= 2
            }
            guard let accepted else {
                // No descent along this direction: retry once from the plain gradient, else stop.
                if steps.isEmpty { break }
                steps.removeAll()
                continue
            }
            let s = zip(accepted.x, x).map { $0 - $1 }
            let y = zip(accepted.gradient, gradient).map { $0 - $1 }
            let curvature = dot(s, y)
            if curvature > 1e-12 * dot(s, s).squareRoot() * dot(y, y).squareRoot() {
                steps.append((s, y, 1 / curvature))
                if steps.count > memory { steps.removeFirst() }
            }
            (x, value, gradient) = accepted
            try afterIteration()
            if dot(s, s).squareRoot() < tolerance { break }
        }
        return x
    }

    /// `-H * gradient` for the inverse-Hessian estimate of the kept steps (Nocedal and Wright,
    /// algorithm 7.4); the plain negative gradient when none are kept.
    private static func twoLoopDirection(
        gradient: [Double], history: [(s: [Double], y: [Double], rho: Double)]
    ) -> [Double] {
        var q = gradient
        var alphas: [Double] = []
        for step in history.reversed() {
            let alpha = step.rho * dot(step.s, q)
            alphas.append(alpha)
            q = zip(q, step.y).map { $0 - alpha * $1 }
        }
        if let last = history.last {
            let gamma = dot(last.s, last.y) / dot(last.y, last.y)
            q = q.map { $0 * gamma }
        }
        for (step, alpha) in zip(history, alphas.reversed()) {
            let beta = step.rho * dot(step.y, q)
            q = zip(q, step.s).map { $0 + (alpha - beta) * $1 }
        }
        return q.map { -$0 }
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}

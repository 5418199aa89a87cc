import Foundation
import Testing
@testable import MixedSLAMEval

@Suite("DebugDump") struct DebugDump {
    @Test func voDensity() throws {
        var o = VisualOdometryScenario.Options()
        let env = ProcessInfo.processInfo.environment
        o.keyframeCount = Int(env["KF"] ?? "400")!
        if let d = env["DENS"] { o.landmarkDensity = Double(d)! }
        if let d = env["DET"] { o.detectionProbability = Double(d)! }
        if let d = env["RANGE"] { o.maximumRange = Double(d)! }
        if let d = env["SPEED"] { o.speed = Double(d)! }
        let t0 = Date()
        let s = try VisualOdometryScenario(options: o)
        print("gen time", Date().timeIntervalSince(t0), "landmarks", s.landmarks.count, "obs", s.observations.count)
        var obs: [Double] = [], lms: [Double] = []
        for k in stride(from: 49, to: s.keyframeCount, by: 5) {
            let w = try s.window(endingAt: k)
            obs.append(Double(w.observations.count)); lms.append(Double(w.landmarks.count))
        }
        let so = try ErrorStatistics(obs), sl = try ErrorStatistics(lms)
        print("obs/window mean \(so.mean) median \(so.median) min \(so.minimum) max \(so.maximum)")
        print("lm/window mean \(sl.mean) median \(sl.median) min \(sl.minimum) max \(sl.maximum)")
        var perKf: [Double] = []
        for k in 0..<s.keyframeCount { perKf.append(Double(try s.observations(inKeyframe: k).count)) }
        let sk = try ErrorStatistics(perKf)
        print("obs/kf mean \(sk.mean) min \(sk.minimum) max \(sk.maximum)")
        var str = ""
        for p in s.landmarks { str += "\(p.x) \(p.y) \(p.z)\n" }
        try str.write(toFile: "/tmp/lm.txt", atomically: true, encoding: .utf8)
        var r = ""
        for p in s.poses { r += "\(p.translation.x) \(p.translation.y) 0\n" }
        try r.write(toFile: "/tmp/route.txt", atomically: true, encoding: .utf8)
    }
}
import MixedSLAM
extension DebugDump {
    @Test func lcStats() throws {
        let env = ProcessInfo.processInfo.environment
        var o = LoopClosureScenario<SE2<Double>>.Options()
        o.poseCount = Int(env["N"] ?? "2000")!
        if let d = env["ST"] { o.odometryTranslationSigma = Double(d)! }
        if let d = env["SR"] { o.odometryRotationSigma = Double(d)! }
        if let d = env["STEP"] { o.stepLength = Double(d)! }
        if let d = env["RAD"] { o.loopClosureRadius = Double(d)! }
        for seed in [UInt64(1), 2, 3] {
            o.seed = seed
            let s = try LoopClosureScenario<SE2<Double>>(options: o)
            let ate = try AbsoluteTrajectoryError(estimatedPositions: s.initialEstimate.map(\.position), referencePositions: s.groundTruth.map(\.position), alignment: .none)
            let ateA = try AbsoluteTrajectoryError(estimatedPositions: s.initialEstimate.map(\.position), referencePositions: s.groundTruth.map(\.position), alignment: .se2)
            print("seed \(seed) SE2 lc \(s.loopClosures.count) events \(s.loopClosureEvents.count) first event \(s.loopClosureEvents.first ?? -1) ATE none mean \(ate.statistics.mean) max \(ate.statistics.maximum) se2 mean \(ateA.statistics.mean) max \(ateA.statistics.maximum)")
            if seed == 1 {
                var g = ""
                for p in s.groundTruth { g += "\(p.translation.x) \(p.translation.y) \(p.theta)\n" }
                try g.write(toFile: "/tmp/lc_gt.txt", atomically: true, encoding: .utf8)
                var e = ""
                for x in s.odometry { e += "\(x.from) \(x.to) \(x.measurement.translation.x) \(x.measurement.translation.y) \(x.measurement.theta)\n" }
                for x in s.loopClosures { e += "\(x.from) \(x.to) \(x.measurement.translation.x) \(x.measurement.translation.y) \(x.measurement.theta)\n" }
                try e.write(toFile: "/tmp/lc_edges.txt", atomically: true, encoding: .utf8)
            }
        }
        let s3 = try LoopClosureScenario<SE3<Double>>(options: .init())
        let ate3 = try AbsoluteTrajectoryError(estimatedPositions: s3.initialEstimate.map(\.position), referencePositions: s3.groundTruth.map(\.position), alignment: .none)
        print("SE3 lc \(s3.loopClosures.count) ATE none mean \(ate3.statistics.mean) max \(ate3.statistics.maximum)")
    }
}
extension DebugDump {
    @Test func dumpRPE() throws {
        func tum(_ poses: [SE3<Double>]) -> String {
            poses.enumerated().map { i, p in
                let q = p.rotation.quaternionXYZW
                return "\(Double(i) * 0.1) \(p.translation.x) \(p.translation.y) \(p.translation.z) \(q.x) \(q.y) \(q.z) \(q.w)"
            }.joined(separator: "\n") + "\n"
        }
        try tum(RelativePoseErrorTests.reference()).write(toFile: "/tmp/evocheck/rref.txt", atomically: true, encoding: .utf8)
        try tum(RelativePoseErrorTests.estimate()).write(toFile: "/tmp/evocheck/rest.txt", atomically: true, encoding: .utf8)
        for (d, a) in [(1, false), (3, false), (3, true)] {
            let rpe = try RelativePoseError(estimated: RelativePoseErrorTests.estimate(), reference: RelativePoseErrorTests.reference(), delta: d, allPairs: a)
            print("OURS", d, a, rpe.translationStatistics.rmse, rpe.rotationStatistics.rmse)
        }
    }
}
extension DebugDump {
    @Test func reportNumbers() throws {
        var o = VisualOdometryScenario.Options()
        o.keyframeCount = 1752
        let t0 = Date()
        let s = try VisualOdometryScenario(options: o)
        print("VO gen", Date().timeIntervalSince(t0), "landmarks total", s.landmarks.count, "obs", s.observations.count, "windows", s.windowCount())
        var obs: [Double] = [], lms: [Double] = [], obsAll: [Double] = []
        for k in 49..<s.keyframeCount {
            let w = try s.window(endingAt: k)
            obs.append(Double(w.observations.count)); lms.append(Double(w.landmarks.count))
            let span = (k-49...k).map { try! s.observations(inKeyframe: $0).count }.reduce(0, +)
            obsAll.append(Double(span))
        }
        for (name, v) in [("obs/window", obs), ("landmarks/window", lms), ("all obs incl. single-seen", obsAll)] {
            let st = try ErrorStatistics(v); let ss = try SortedSample(v)
            print(name, "mean", st.mean, "median", st.median, "p5", try ss.percentile(5), "p95", try ss.percentile(95), "min", st.minimum, "max", st.maximum)
        }
        for seed in [UInt64(1), 2, 3] {
            var lo = LoopClosureScenario<SE2<Double>>.Options(); lo.seed = seed
            let l = try LoopClosureScenario<SE2<Double>>(options: lo)
            let ev = l.loopClosureEvents
            print("LC seed", seed, "poses", l.poseCount, "loop closures", l.loopClosures.count, "events", ev.count, "first problem poses", ev.first! + 1, "last", ev.last! + 1, "edges in last", l.odometry.count + l.loopClosures.count)
        }
        var lo3 = LoopClosureScenario<SE3<Double>>.Options(); lo3.poseCount = 10000
        let t1 = Date()
        let l3 = try LoopClosureScenario<SE3<Double>>(options: lo3)
        print("SE3 10k gen", Date().timeIntervalSince(t1), "lc", l3.loopClosures.count, "events", l3.loopClosureEvents.count)
    }
}

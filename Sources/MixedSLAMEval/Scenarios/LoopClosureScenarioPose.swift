import Foundation
import MixedSLAM

/// The out-of-plane motion of a robot on a slightly uneven floor: height above the nominal
/// floor and the roll and pitch of the chassis. Ground-truth SE(3) poses carry it; SE(2) poses
/// have none.
public struct TerrainWobble: Sendable, Equatable {
    /// Height offset, metres.
    public var z: Double
    /// Rotation about the robot's forward axis, radians.
    public var roll: Double
    /// Rotation about the robot's left axis, radians.
    public var pitch: Double

    /// Creates the wobble from its three parts.
    public init(z: Double, roll: Double, pitch: Double) {
        self.z = z
        self.roll = roll
        self.pitch = pitch
    }

    /// No wobble: a perfectly flat floor.
    public static let flat = TerrainWobble(z: 0, roll: 0, pitch: 0)
}

/// A pose type that ``LoopClosureScenario`` can generate: SE(2) for planar pose graphs
/// (g2o `EDGE_SE2`) and SE(3) (g2o `EDGE_SE3:QUAT`). Tangent and information order is
/// [translation; rotation], as in the geometry layer and g2o.
public protocol LoopClosureScenarioPose: GraphPose {
    /// The information matrix of a between measurement: 3×3 for SE(2), 6×6 for SE(3).
    associatedtype Information: Sendable, Equatable

    /// The identity pose.
    static var identity: Self { get }
    /// The position in space; z = 0 for planar poses.
    var position: SIMD3<Double> { get }
    /// The pose of a robot at a route sample on terrain with the given wobble (which planar
    /// poses ignore).
    static func groundTruth(_ sample: GroundRobotRoute.Sample, wobble: TerrainWobble) -> Self
    /// The diagonal information matrix diag(1/σₜ², …, 1/σᵣ², …) of a measurement whose
    /// tangent-space noise has independent components with these standard deviations.
    static func information(translationSigma: Double, rotationSigma: Double) -> Information
    /// `information` in the nonlinear layer's row-major form.
    static func informationMatrix(_ information: Information) throws -> InformationMatrix
    /// The pose times Exp(n), with n a tangent vector of independent normal components with
    /// the given standard deviations (translation components first), drawn from `generator`.
    /// For a between factor with error Log(Z⁻¹ Xᵢ⁻¹ Xⱼ) this noise is exactly the one the
    /// information matrix of ``information(translationSigma:rotationSigma:)`` describes.
    func perturbed(
        translationSigma: Double, rotationSigma: Double, generator: inout Xoshiro256StarStar
    ) -> Self
}

extension SE2: LoopClosureScenarioPose where Scalar == Double {
    /// The x-y position with z = 0.
    public var position: SIMD3<Double> { SIMD3(translation.x, translation.y, 0) }

    /// The planar pose (x, y, heading) of the sample; wobble does not exist in the plane.
    public static func groundTruth(_ sample: GroundRobotRoute.Sample, wobble: TerrainWobble) -> SE2 {
        SE2(x: sample.position.x, y: sample.position.y, theta: sample.heading)
    }

    /// diag(1/σₜ², 1/σₜ², 1/σᵣ²).
    public static func information(translationSigma: Double, rotationSigma: Double) -> Matrix3<Double> {
        let t = 1 / (translationSigma * translationSigma)
        return Matrix3(diagonal: SIMD3(t, t, 1 / (rotationSigma * rotationSigma)))
    }

    /// The 3×3 information matrix, row-major.
    public static func informationMatrix(_ information: Matrix3<Double>) throws -> InformationMatrix {
        try InformationMatrix(information.rowMajor, dimension: 3)
    }

    /// The pose times Exp((nₓ, n_y, n_θ)).
    public func perturbed(
        translationSigma: Double, rotationSigma: Double, generator: inout Xoshiro256StarStar
    ) -> SE2 {
        let noise = SIMD3(
            generator.nextGaussian(standardDeviation: translationSigma),
            generator.nextGaussian(standardDeviation: translationSigma),
            generator.nextGaussian(standardDeviation: rotationSigma))
        return self * SE2.exp(noise)
    }
}

extension SE3: LoopClosureScenarioPose where Scalar == Double {
    /// The translation.
    public var position: SIMD3<Double> { translation }

    /// R = Rz(heading) · Ry(pitch) · Rx(roll), t = (x, y, z): the chassis tilts about its own
    /// axes after turning to its heading.
    public static func groundTruth(_ sample: GroundRobotRoute.Sample, wobble: TerrainWobble) -> SE3 {
        let rotation = SO3.exp(SIMD3(0, 0, sample.heading)) * SO3.exp(SIMD3(0, wobble.pitch, 0))
            * SO3.exp(SIMD3(wobble.roll, 0, 0))
        return SE3(rotation: rotation, translation: SIMD3(sample.position.x, sample.position.y, wobble.z))
    }

    /// diag(1/σₜ² I₃, 1/σᵣ² I₃).
    public static func information(translationSigma: Double, rotationSigma: Double) -> Matrix6<Double> {
        let t = 1 / (translationSigma * translationSigma)
        let r = 1 / (rotationSigma * rotationSigma)
        return Matrix6(
            topLeft: Matrix3(diagonal: SIMD3(repeating: t)), topRight: .zero, bottomLeft: .zero,
            bottomRight: Matrix3(diagonal: SIMD3(repeating: r)))
    }

    /// The 6×6 information matrix, row-major.
    public static func informationMatrix(_ information: Matrix6<Double>) throws -> InformationMatrix {
        try InformationMatrix(information.rowMajor, dimension: 6)
    }

    /// The pose times Exp([n_ρ; n_φ]).
    public func perturbed(
        translationSigma: Double, rotationSigma: Double, generator: inout Xoshiro256StarStar
    ) -> SE3 {
        var noise = Tangent.zero
        for index in 0..<3 {
            noise.translation[index] = generator.nextGaussian(standardDeviation: translationSigma)
        }
        for index in 0..<3 {
            noise.rotation[index] = generator.nextGaussian(standardDeviation: rotationSigma)
        }
        return self * SE3.exp(noise)
    }
}

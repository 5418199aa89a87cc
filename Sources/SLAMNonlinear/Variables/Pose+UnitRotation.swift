import SLAMGeometry

extension SE2 where Scalar == Double {
    /// The pose with a unit rotation, or nil when (cos, sin) is zero or not finite. A pair of
    /// unit length up to rounding is kept bit for bit, so a value reads back as it was given;
    /// one off by more (other libraries and files hand over rotations a little off unit
    /// length) is rescaled, as g2o does on reading. Residuals assume a unit rotation: a zero
    /// one makes them NaN and a scaled one scales them.
    var withUnitRotation: SE2? {
        let c = rotation.cosine, s = rotation.sine
        if abs(c * c + s * s - 1) <= unitLengthTolerance { return self }
        return SO2(normalizingCosine: c, sine: s).map { SE2(rotation: $0, translation: translation) }
    }
}

extension SE3 where Scalar == Double {
    /// The pose with a unit quaternion, or nil when the quaternion is zero or not finite: kept
    /// bit for bit when of unit length up to rounding, rescaled otherwise (see
    /// `SE2.withUnitRotation`).
    var withUnitRotation: SE3? {
        let w = rotation.w, v = rotation.vector
        if abs(w * w + (v * v).sum() - 1) <= unitLengthTolerance { return self }
        return SO3(normalizingW: w, x: v.x, y: v.y, z: v.z).map { SE3(rotation: $0, translation: translation) }
    }
}

/// |‖q‖² − 1| a normalized rotation can show from rounding alone (a few ulps, with margin).
private let unitLengthTolerance = 64 * Double.ulpOfOne

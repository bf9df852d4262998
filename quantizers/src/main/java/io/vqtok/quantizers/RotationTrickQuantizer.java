package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Nearest-neighbour vector quantizer whose gradient crosses the bottleneck by the rotation trick
 * (Fifty et al. 2024, "Restructuring Vector Quantization with the Rotation Trick").
 *
 * <p>Output q̃ = sg(λ R) z with λ = ‖q‖/‖z‖ and R the rotation taking ẑ = z/‖z‖ onto q̂ = q/‖q‖,
 * R = I − 2 r rᵀ + 2 q̂ ẑᵀ with r = (ẑ + q̂)/‖ẑ + q̂‖. Forward q̃ = q; backward ∂L/∂z = λ Rᵀ ∂L/∂q̃.
 * Codebook and commitment losses as in {@link VectorQuantizer}. Shapes: z, q {@code [N, D]}.
 */
public final class RotationTrickQuantizer extends VectorQuantizer {

    public RotationTrickQuantizer(VectorQuantizerConfig config, String prefix, long seed) {
        super(config, prefix, seed);
    }

    @Override
    protected SDVariable estimate(SameDiff sd, SDVariable z, SDVariable q) {
        SDVariable zs = GraphOps.stopGradient(sd, z);
        SDVariable qs = GraphOps.stopGradient(sd, q);
        SDVariable zNorm = GraphOps.rowNorm(sd, zs, 1e-8);
        SDVariable qNorm = GraphOps.rowNorm(sd, qs, 1e-8);
        SDVariable zHat = zs.div(zNorm);
        SDVariable qHat = qs.div(qNorm);
        SDVariable sum = zHat.add(qHat);
        SDVariable r = sum.div(GraphOps.rowNorm(sd, sum, 1e-8));
        SDVariable lambda = qNorm.div(zNorm);
        // R z = z − 2 r (r·z) + 2 q̂ (ẑ·z), with r, q̂, ẑ, λ constant: gradient λ Rᵀ g reaches z.
        SDVariable rz = r.mul(z).sum(true, 1);
        SDVariable ez = zHat.mul(z).sum(true, 1);
        SDVariable rotated = z.sub(r.mul(rz).mul(2.0)).add(qHat.mul(ez).mul(2.0));
        return rotated.mul(lambda);
    }
}

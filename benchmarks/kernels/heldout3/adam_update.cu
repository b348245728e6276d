// One AdamW optimiser step over n fp32 parameters, in place (as PyTorch's fused Adam does):
// m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, p = p (1 - lr wd) -
// (lr / bias_correction1) m / (sqrt(v) / sqrt(bias_correction2) + eps). The bias corrections
// (1 - beta^step) come from the host. One element per thread. Grid: ceil(n / block_size_x).
extern "C" __global__ void __launch_bounds__(block_size_x)
adam_update(float *param, float *exp_avg, float *exp_avg_sq, const float *grad, int n, float lr,
            float beta1, float beta2, float eps, float weight_decay, float bias_correction1,
            float bias_correction2)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i >= n) {
        return;
    }
    float g = grad[i];
    float m = beta1 * exp_avg[i] + (1.0f - beta1) * g;
    float v = beta2 * exp_avg_sq[i] + (1.0f - beta2) * g * g;
    float denom = sqrtf(v) / sqrtf(bias_correction2) + eps;
    float p = param[i] * (1.0f - lr * weight_decay);
    param[i] = p - (lr / bias_correction1) * m / denom;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
}

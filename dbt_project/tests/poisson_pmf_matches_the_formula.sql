-- The macro poisson_pmf against P(k; m) = e^-m m^k / k!, worked out outside SQL, and its edge:
-- with no goals expected, no goal is certain. Returns the cases it gets wrong (none passes).
with cases (mean, goals, expected) as (
    values
    (0.0, 0, 1.0),
    (0.0, 2, 0.0),
    (1.0, 0, 0.36787944117144233),
    (1.5, 2, 0.25102143016698353),
    (2.7, 3, 0.22046768454274912),
    (0.3, 1, 0.22224546620451535)
)

select
    mean,
    goals,
    expected,
    {{ poisson_pmf('mean', 'goals') }} as computed
from cases
where abs({{ poisson_pmf('mean', 'goals') }} - expected) > 1e-12

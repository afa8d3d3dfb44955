using ActorEvolve.Core.Fitness;

namespace ActorEvolve.Core.Tests;

public sealed class LearningCurveTests
{
    static readonly EpochScore[] Curve =
        [new(0.60, 1.0), new(0.70, 0.8), new(0.72, 0.85), new(0.71, 0.9), new(0.75, 0.7)];

    [Fact]
    public void A_shorter_budget_reports_the_best_validation_loss_within_it()
    {
        Assert.Equal(new BudgetedScore(0.60, 1.0, 1, Stopped: false), LearningCurve.At(Curve, 1, patience: 2));
        Assert.Equal(new BudgetedScore(0.70, 0.8, 3, Stopped: false), LearningCurve.At(Curve, 3, patience: 2));
    }

    [Fact]
    public void Patience_ends_the_training_where_the_trainer_would_have_stopped()
    {
        // Epochs 3 and 4 do not improve on epoch 2's loss: with patience 2 training stops after epoch 4, so the
        // better epoch 5 is never seen, whatever the budget.
        Assert.Equal(new BudgetedScore(0.70, 0.8, 4, Stopped: true), LearningCurve.At(Curve, 5, patience: 2));
        Assert.Equal(LearningCurve.At(Curve, 5, patience: 2), LearningCurve.At(Curve, 100, patience: 2));
        Assert.Equal(new BudgetedScore(0.75, 0.7, 5, Stopped: false), LearningCurve.At(Curve, 5, patience: 3));
    }

    [Fact]
    public void A_budget_beyond_the_curve_is_the_whole_curve()
    {
        Assert.Equal(new BudgetedScore(0.75, 0.7, 5, Stopped: true), LearningCurve.At(Curve, 9, patience: null));
    }
}

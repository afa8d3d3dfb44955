using System.Globalization;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Configuration;

/// <summary>Reads <c>actorevolve.search-space</c>: a list is a categorical gene, {min, max} integers an integer
/// range, {min, max, scale = linear|log} (or non-integer bounds) a float range; null drops a gene.</summary>
public static class SearchSpaceParser
{
    public static SearchSpace Parse(SettingsReader space)
    {
        try
        {
            var genes = new List<GeneSpec>();
            foreach (var name in space.Keys)
            {
                switch (space.Kind(name))
                {
                    case SettingKind.List:
                        genes.Add(new ChoiceGene(name, space.Strings(name)));
                        break;
                    case SettingKind.Section:
                        genes.Add(ParseRange(name, space.Section(name)));
                        break;
                    case SettingKind.Null:
                        continue; // a gene set to null is dropped
                    default:
                        if (space.String(name) is "" or "off") continue;
                        throw new SearchSpaceException(
                            $"gene '{name}' must be a list of choices or {{ min, max }}, got '{space.String(name)}'");
                }
            }
            return new SearchSpace(genes);
        }
        catch (SearchSpaceException e)
        {
            throw new ConfigException($"invalid search space: {e.Message}");
        }
    }

    static GeneSpec ParseRange(string name, SettingsReader range)
    {
        if (range.Kind("min") == SettingKind.Missing) throw new SearchSpaceException($"gene '{name}' needs min");
        if (range.Kind("max") == SettingKind.Missing) throw new SearchSpaceException($"gene '{name}' needs max");
        var (min, max) = (range.String("min"), range.String("max"));
        var scale = range.String("scale", "linear");
        if (scale is not ("linear" or "log"))
            throw new SearchSpaceException($"gene '{name}': scale must be linear or log, got '{scale}'");
        var type = range.String("type", "");
        if (type is not ("" or "int" or "float"))
            throw new SearchSpaceException($"gene '{name}': type must be int or float, got '{type}'");
        var integers = int.TryParse(min, NumberStyles.Integer, CultureInfo.InvariantCulture, out var intMin)
                       & int.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out var intMax);
        if (type == "int" || (type == "" && integers && scale == "linear"))
        {
            if (!integers)
                throw new SearchSpaceException($"gene '{name}' is an integer range but min/max are '{min}'/'{max}'");
            return new IntRangeGene(name, intMin, intMax);
        }
        if (!double.TryParse(min, NumberStyles.Float, CultureInfo.InvariantCulture, out var floatMin)
            || !double.TryParse(max, NumberStyles.Float, CultureInfo.InvariantCulture, out var floatMax)
            || !double.IsFinite(floatMin) || !double.IsFinite(floatMax))
            throw new SearchSpaceException($"gene '{name}': min/max must be numbers, got '{min}'/'{max}'");
        return new FloatRangeGene(name, floatMin, floatMax, scale == "log");
    }
}

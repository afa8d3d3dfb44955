using System.Globalization;
using Akka.Configuration;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Configuration;

/// <summary>Reads <c>actorevolve.search-space</c>: a list is a categorical gene, {min, max} integers an integer
/// range, {min, max, scale = linear|log} (or non-integer bounds) a float range; null drops a gene.</summary>
public static class SearchSpaceParser
{
    public static SearchSpace Parse(Config space)
    {
        try
        {
            var genes = new List<GeneSpec>();
            foreach (var (name, value) in space.AsEnumerable())
            {
                // Akka's HOCON reports an empty list as a non-array value holding an empty HoconArray.
                var isList = value.IsArray() || value.Values.OfType<Akka.Configuration.Hocon.HoconArray>().Any();
                if (isList)
                    genes.Add(new ChoiceGene(name, value.IsArray() ? value.GetArray().Select(v => v.GetString()) : []));
                else if (value.IsObject())
                    genes.Add(ParseRange(name, space.GetConfig(name)));
                else if (value.IsEmpty || value.GetString() is null or "" or "null" or "off")
                    continue; // a gene set to null is dropped
                else
                    throw new SearchSpaceException($"gene '{name}' must be a list of choices or {{ min, max }}, got '{value.GetString()}'");
            }
            return new SearchSpace(genes);
        }
        catch (SearchSpaceException e)
        {
            throw new ConfigException($"invalid search space: {e.Message}");
        }
    }

    static GeneSpec ParseRange(string name, Config range)
    {
        var min = range.GetString("min", null) ?? throw new SearchSpaceException($"gene '{name}' needs min");
        var max = range.GetString("max", null) ?? throw new SearchSpaceException($"gene '{name}' needs max");
        var scale = range.GetString("scale", "linear");
        if (scale is not ("linear" or "log")) throw new SearchSpaceException($"gene '{name}': scale must be linear or log, got '{scale}'");
        var type = range.GetString("type", "");
        var integers = int.TryParse(min, NumberStyles.Integer, CultureInfo.InvariantCulture, out var intMin)
                       & int.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out var intMax);
        if (type == "int" || (type == "" && integers && scale == "linear"))
        {
            if (!integers) throw new SearchSpaceException($"gene '{name}' is an integer range but min/max are '{min}'/'{max}'");
            return new IntRangeGene(name, intMin, intMax);
        }
        if (!double.TryParse(min, NumberStyles.Float, CultureInfo.InvariantCulture, out var floatMin)
            || !double.TryParse(max, NumberStyles.Float, CultureInfo.InvariantCulture, out var floatMax))
            throw new SearchSpaceException($"gene '{name}': min/max must be numbers, got '{min}'/'{max}'");
        return new FloatRangeGene(name, floatMin, floatMax, scale == "log");
    }
}

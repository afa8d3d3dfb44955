using Akka.Configuration;
using ActorEvolve.Engine.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorEvolve.Engine.Persistence;

/// <summary>Where the journal and snapshots live, from <c>actorevolve.journal</c>: a SQLite file (default:
/// state-dir/actorevolve.db; Microsoft.Data.Sqlite, one writer, WAL) or PostgreSQL (Npgsql).</summary>
public sealed record JournalSettings(string ProviderName, string ConnectionString, string Description,
    string? SqliteFile)
{
    public const string DatabaseFile = "actorevolve.db";

    public static JournalSettings From(string url, string stateDirectory)
    {
        if (url == "" || url.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            var path = url == "" ? Path.Combine(stateDirectory, DatabaseFile) : url["sqlite:".Length..];
            if (path.Trim() == "") throw new ConfigException($"journal '{url}' names no file: use sqlite:FILE");
            var file = Path.GetFullPath(path);
            var connection = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();
            return new JournalSettings("SQLite.MS", connection, file, file);
        }
        if (url.StartsWith("postgres://", StringComparison.Ordinal)
            || url.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host == ""
                || uri.AbsolutePath.Trim('/') == "")
                throw new ConfigException($"journal '{Redacted(url)}' is not {PostgresSyntax}");
            var user = uri.UserInfo.Split(':', 2);
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host, Port = uri.Port > 0 ? uri.Port : 5432, Database = uri.AbsolutePath.Trim('/'),
                Username = Uri.UnescapeDataString(user[0]),
                Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
                Timeout = 10,
            };
            var description = $"postgres://{uri.Host}:{builder.Port}/{builder.Database}";
            return new JournalSettings("PostgreSQL.15", builder.ToString(), description, null);
        }
        throw new ConfigException($"journal '{Redacted(url)}' is neither sqlite:FILE nor {PostgresSyntax}");
    }

    const string PostgresSyntax = "postgres://user:password@host:port/database";

    /// <summary>The URL without its password: error messages end up in terminals and logs.</summary>
    static string Redacted(string url) =>
        System.Text.RegularExpressions.Regex.Replace(url, "(?<=//[^/@:]*:)[^/@]*(?=@)", "***");

    /// <summary>The Akka.Persistence.Sql settings for this journal, over the plugin's own defaults.</summary>
    public Config ToAkkaConfig()
    {
        var connection = HoconLoader.Quote(ConnectionString);
        // SQLite allows one writer at a time: more journal writers would only wait on its lock.
        var parallelism = SqliteFile is null ? 3 : 1;
        return ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql {
              connection-string = {{connection}}, provider-name = "{{ProviderName}}", parallelism = {{parallelism}}
            }
            akka.persistence.snapshot-store.sql {
              connection-string = {{connection}}, provider-name = "{{ProviderName}}"
            }
            """).WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration);
    }

    /// <summary>Whether the journal exists and has its tables; a SQLite file that does not yet exist holds no run
    /// (and must not be created by a command that only reads), nor does a PostgreSQL database without the tables
    /// (a new database, before the first run creates them).</summary>
    public bool Exists()
    {
        if (SqliteFile is null) return PostgresHasTables();
        if (!File.Exists(SqliteFile)) return false;
        try
        {
            using var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString)
                { Mode = SqliteOpenMode.ReadOnly }.ToString());
            sqlite.Open();
            return HasJournalTable(sqlite);
        }
        catch (SqliteException e)
        {
            throw new ConfigException($"{Description}: cannot open the journal ({HoconLoader.FirstLine(e.Message)})");
        }
    }

    /// <summary>Checks the journal can be used before a run starts, with a one-line error if not. A new SQLite
    /// journal is created in WAL mode (readers never block the writer); an existing one must be intact.</summary>
    /// <returns>Whether this created the journal's file (so a start refused later can remove it again).</returns>
    public bool Preflight(bool mustExist)
    {
        try
        {
            if (SqliteFile is null)
            {
                using var pg = new NpgsqlConnection(ConnectionString);
                pg.Open();
                return false;
            }
            var created = !File.Exists(SqliteFile);
            if (created)
            {
                if (mustExist) throw new ConfigException($"{SqliteFile}: journal not found");
                Directory.CreateDirectory(Path.GetDirectoryName(SqliteFile)!);
            }
            using var sqlite = new SqliteConnection(ConnectionString);
            sqlite.Open();
            using var check = sqlite.CreateCommand();
            check.CommandText = "PRAGMA quick_check; PRAGMA journal_mode = WAL;";
            var result = check.ExecuteScalar() as string;
            if (result != "ok") throw new ConfigException($"{SqliteFile}: the journal is damaged ({result})");
            return created;
        }
        catch (Exception e) when (e is SqliteException or NpgsqlException or System.Net.Sockets.SocketException
                                       or TimeoutException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{Description}: cannot open the journal ({HoconLoader.FirstLine(e.Message)})");
        }
    }

    /// <summary>Deletes a SQLite journal that holds no record at all (one a refused start created). One that cannot
    /// be read (the disk is full) is kept: this cleanup must never hide why the run stopped.</summary>
    public void DeleteIfEmpty()
    {
        if (SqliteFile is null || !File.Exists(SqliteFile)) return;
        try
        {
            using (var sqlite = new SqliteConnection(ConnectionString))
            {
                sqlite.Open();
                if (HasJournalTable(sqlite) && Count(sqlite, "SELECT count(*) FROM journal") > 0) return;
            }
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(SqliteFile + suffix);
        }
        catch (Exception e) when (e is SqliteException or IOException)
        {
            // keep it
        }
    }

    bool PostgresHasTables()
    {
        try
        {
            using var pg = new NpgsqlConnection(ConnectionString);
            pg.Open();
            using var check = pg.CreateCommand();
            check.CommandText = "SELECT to_regclass('journal') IS NOT NULL AND to_regclass('snapshot') IS NOT NULL";
            return check.ExecuteScalar() is true;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new ConfigException($"{Description}: cannot open the journal ({HoconLoader.FirstLine(e.Message)})");
        }
    }

    static bool HasJournalTable(SqliteConnection sqlite) =>
        Count(sqlite, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'") > 0;

    static long Count(SqliteConnection sqlite, string query)
    {
        using var command = sqlite.CreateCommand();
        command.CommandText = query;
        return (long)command.ExecuteScalar()!;
    }
}

// Shared by the build (the inline MSBuild task below, used by TorchSharpNatives.targets) and the runtime
// (TorchRuntime, compiled with ACTOREVOLVE_RUNTIME, patches the copy TorchSharp makes under cpu/ at first use).
// TorchSharp 0.107's libLibTorchSharp.so was linked against gcc 13 and asks for GLIBCXX_3.4.32, whose only
// symbol (std::ios_base_library_init) it never calls. On systems whose libstdc++ lacks that version
// (Debian 12) we mark the one version-needed entry weak (VER_FLG_WEAK) so the dynamic loader accepts it.
using System;
using System.IO;
using System.Text;

namespace ActorEvolve.Build
{
    public static class ElfWeakVersionPatcher
    {
        public const string MissingVersion = "GLIBCXX_3.4.32";
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlgWeak = 0x2;

        static readonly string[] LibStdCxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };

        /// <summary>True when a system libstdc++ is found and it does not define the version.</summary>
        public static bool SystemLacksVersion(string version)
        {
            foreach (var path in LibStdCxxCandidates)
            {
                if (!File.Exists(path)) continue;
                var bytes = File.ReadAllBytes(path);
                return IndexOf(bytes, Encoding.ASCII.GetBytes(version + "\0")) < 0;
            }
            return false; // no glibc libstdc++ here (macOS, Windows, musl): nothing to patch
        }

        /// <summary>Marks the version-needed entry for <paramref name="version"/> weak. Returns true if the file
        /// changed.</summary>
        public static bool MarkVersionWeak(string elfPath, string version)
        {
            var elf = File.ReadAllBytes(elfPath);
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException($"{elfPath} is not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"{elfPath} is not a little-endian 64-bit ELF file");

            long shOff = BitConverter.ToInt64(elf, 0x28);
            int shEntSize = BitConverter.ToUInt16(elf, 0x3A);
            int shNum = BitConverter.ToUInt16(elf, 0x3C);
            bool changed = false;
            for (int i = 0; i < shNum; i++)
            {
                long sh = shOff + (long)i * shEntSize;
                if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
                long verneedOff = BitConverter.ToInt64(elf, (int)sh + 0x18);
                int strtabIndex = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
                int verneedCount = (int)BitConverter.ToUInt32(elf, (int)sh + 0x2C);
                long strtabOff = BitConverter.ToInt64(elf, (int)(shOff + (long)strtabIndex * shEntSize) + 0x18);

                long vn = verneedOff;
                for (int n = 0; n < verneedCount; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, (int)vn + 2);
                    long aux = vn + BitConverter.ToUInt32(elf, (int)vn + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        long name = strtabOff + BitConverter.ToUInt32(elf, (int)aux + 8);
                        if (ReadCString(elf, (int)name) == version)
                        {
                            ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                            if ((flags & VerFlgWeak) == 0)
                            {
                                BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, (int)aux + 4);
                                changed = true;
                            }
                        }
                        aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                    }
                    vn += BitConverter.ToUInt32(elf, (int)vn + 12);
                }
            }
            if (changed)
            {
                // Write beside and rename: a half-written shared library must never be left behind.
                var temp = elfPath + ".weak-tmp";
                File.WriteAllBytes(temp, elf);
                File.Replace(temp, elfPath, null);
            }
            return changed;
        }

        static string ReadCString(byte[] data, int offset)
        {
            int end = offset;
            while (end < data.Length && data[end] != 0) end++;
            return Encoding.ASCII.GetString(data, offset, end - offset);
        }

        static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i <= haystack.Length - needle.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }
    }
}

#if !ACTOREVOLVE_RUNTIME
public class MarkTorchSharpVersionWeak : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required]
    public string Directory { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        const string missing = ActorEvolve.Build.ElfWeakVersionPatcher.MissingVersion;
        if (!ActorEvolve.Build.ElfWeakVersionPatcher.SystemLacksVersion(missing)) return true;
        foreach (var lib in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so",
                     System.IO.SearchOption.AllDirectories))
        {
            if (ActorEvolve.Build.ElfWeakVersionPatcher.MarkVersionWeak(lib, missing))
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"Marked {missing} weak in {lib}");
        }
        return true;
    }
}
#endif

// Test harness for the Windows launcher's CommandLineTail (src/launcher/windows/Launcher.cs),
// built for the host's .NET so it runs on Linux: reads one command line per input line (JSON
// string escapes for tabs and quotes are not needed: lines are taken as they are) and prints
// the tail the launcher would hand to deno.exe, one per line.
using System;

namespace Kvmi
{
    internal static class TailCheck
    {
        private static int Main()
        {
            string line;
            while ((line = Console.In.ReadLine()) != null)
            {
                Console.Out.Write(Launcher.CommandLineTail(line.Replace("\\t", "\t")));
                Console.Out.Write('\n');
            }
            return 0;
        }
    }
}

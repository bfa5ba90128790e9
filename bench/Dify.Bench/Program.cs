Console.WriteLine("usage: Dify.Bench engine");
return 2;
